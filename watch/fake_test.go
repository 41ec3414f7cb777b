package watch

import (
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// fakeClock is a clock that moves only when told; its ticker ticks only when the test sends on ticks.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	ticks   chan time.Time
	stopped bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0, ticks: make(chan time.Time)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) NewTicker(time.Duration) check.Ticker { return fakeTicker{c} }

// After is not used by watch.
func (c *fakeClock) After(time.Duration) <-chan time.Time { panic("fakeClock: no After in watch") }

func (c *fakeClock) isStopped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopped
}

type fakeTicker struct{ c *fakeClock }

func (t fakeTicker) C() <-chan time.Time { return t.c.ticks }
func (t fakeTicker) Stop() {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.c.stopped = true
}

// The roles of the tests, as the wiring defines them.
var (
	l2Role      = check.Role{Name: "l2", Title: "L2", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready, check.Live}}
	builderRole = check.Role{Name: "builder", Title: "builder", Failure: check.Partial, Modes: []check.Mode{check.Health}}
)

// endpoint is a judged endpoint with head number (nil head when number < 0).
func endpoint(role check.Role, number int64, ok bool) *check.Endpoint {
	e := &check.Endpoint{Role: role, URL: "http://127.0.0.1:8551", OK: ok, Reason: "head is fine"}
	if number >= 0 {
		e.Last = &check.Head{Number: uint64(number), Hash: common.HexToHash("0x834f00000000000000000000000000000000000000000000000000000000b938")}
		e.Age = time.Second
		e.Latency = 1200 * time.Microsecond
	} else {
		e.Reason = "connection refused"
	}
	return e
}

// result is a health result with the L2 and, when b is not nil, the builder and its lag.
func result(state check.State, reason string, l2 *check.Endpoint, b *check.Endpoint) check.Result {
	r := check.Result{Mode: check.Health, State: state, Reason: reason, Endpoints: []check.Endpoint{*l2}}
	if b != nil {
		r.Endpoints = append(r.Endpoints, *b)
		r.Relations = []check.Relation{check.MaxLag(builderRole, l2Role, nil)}
	}
	return r
}

// heads is a result at the given state with both heads (negative: no head).
func heads(state check.State, l2, b int64) check.Result {
	return result(state, state.String()+" because", endpoint(l2Role, l2, true), endpoint(builderRole, b, state == check.Healthy))
}
