package serve

import (
	"context"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fakeClock moves only when told; its ticker ticks only when the test sends on ticks.
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

// After is what a check's window waits on; the tests' checks take one sample, so it is never used.
func (c *fakeClock) After(time.Duration) <-chan time.Time { panic("fakeClock: no After in serve") }

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
	builderRole = check.Role{Name: "builder", Title: "builder", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true}
)

// cfg is the thresholds of the tests: rollup-boost's 10 s, one sample.
var cfg = check.Config{MaxAge: 10 * time.Second, MinBlocks: 1}

// fakeSource answers with a head of the given age on clock, or err.
type fakeSource struct {
	clock  *fakeClock
	number uint64
	age    time.Duration
	err    error
}

func (s *fakeSource) Head(context.Context) (check.Head, error) {
	if s.err != nil {
		return check.Head{}, s.err
	}
	return check.Head{Number: s.number, Hash: common.Hash{byte(s.number), byte(s.number >> 8), byte(s.number >> 16)}, Timestamp: uint64(s.clock.Now().Add(-s.age).Unix())}, nil
}

// run is a real health check of an L2 and a builder on the fake sources.
func run(clock *fakeClock, l2, builder check.Source) check.Result {
	targets := []check.Target{{Role: l2Role, URL: "http://l2", Source: l2}, {Role: builderRole, URL: "http://builder", Source: builder}}
	return check.Run(context.Background(), clock, check.Health, cfg, targets, []check.Relation{check.MaxLag(builderRole, l2Role, nil)})
}
