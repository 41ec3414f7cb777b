package check

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// t0 is the fake clock's start: a whole second, so that ages are exact.
var t0 = time.Unix(1_700_000_000, 0)

// fakeClock is a deterministic Clock: After(d) moves its own time forward by d and returns a
// channel that has already fired, so nothing ever sleeps. Safe for concurrent use.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// Advance moves the clock forward without recording a wait (request latency).
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Elapsed is how far the clock has moved since t0.
func (c *fakeClock) Elapsed() time.Duration { return c.Now().Sub(t0) }

// Waits lists the durations passed to After, in order.
func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// step is one scripted answer of a fakeSource: a head, or an error.
type step struct {
	head Head
	err  error
}

// fakeSource answers Head from a script; the last step repeats once the script is used up.
// Like a real client it fails with ctx.Err() once ctx is done. Safe for concurrent use.
type fakeSource struct {
	mu      sync.Mutex
	steps   []step
	calls   int
	clock   *fakeClock    // advanced by latency on every call, when set
	latency time.Duration // per call
	onCall  func(n int)   // called with the 1-based call number before answering, when set
}

func script(steps ...step) *fakeSource { return &fakeSource{steps: steps} }

// withLatency makes every call take d on clock.
func (s *fakeSource) withLatency(clock *fakeClock, d time.Duration) *fakeSource {
	s.clock, s.latency = clock, d
	return s
}

func (s *fakeSource) Head(ctx context.Context) (Head, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	var st step
	if len(s.steps) > 0 {
		st = s.steps[min(n, len(s.steps))-1]
	} else {
		st = step{err: errors.New("fakeSource: empty script")}
	}
	onCall, clock, latency := s.onCall, s.clock, s.latency
	s.mu.Unlock()

	if err := ctx.Err(); err != nil {
		return Head{}, err
	}
	if onCall != nil {
		onCall(n)
	}
	if clock != nil && latency > 0 {
		clock.Advance(latency)
	}
	return st.head, st.err
}

// Calls is how many times Head was called.
func (s *fakeSource) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// hash is a deterministic block hash for height n on fork f (0 = canonical).
func hash(n uint64, fork byte) common.Hash {
	h := common.BigToHash(new(big.Int).SetUint64(n))
	h[0] = fork
	return h
}

// head is block n on the canonical fork, stamped age before t0.
func head(n uint64, age time.Duration) Head {
	return Head{Number: n, Hash: hash(n, 0), Timestamp: uint64(t0.Add(-age).Unix())}
}

// at is a step answering block n stamped age before t0.
func at(n uint64, age time.Duration) step { return step{head: head(n, age)} }

// fresh is a step answering block n stamped 1 s before t0.
func fresh(n uint64) step { return at(n, time.Second) }

// fails is a step whose request fails with msg.
func fails(msg string) step { return step{err: errors.New(msg)} }

// climbing is a script of fresh heads from n upwards, one block per sample.
func climbing(n uint64, samples int) []step {
	out := make([]step, samples)
	for i := range out {
		out[i] = fresh(n + uint64(i))
	}
	return out
}

// TestFakeClock_AfterAdvancesWithoutSleeping guards the harness itself: After must not block
// and must move time by exactly d.
func TestFakeClock_AfterAdvancesWithoutSleeping(t *testing.T) {
	c := newClock()
	begin := time.Now()
	for range 1000 {
		<-c.After(time.Hour)
	}
	if got, want := c.Elapsed(), 1000*time.Hour; got != want {
		t.Fatalf("fake clock advanced %s, want %s", got, want)
	}
	if real := time.Since(begin); real > time.Second {
		t.Fatalf("fake clock slept for real: %s", real)
	}
}

// TestFakeSource_RepeatsLastStepAndCounts guards the harness itself.
func TestFakeSource_RepeatsLastStepAndCounts(t *testing.T) {
	c := newClock()
	s := script(fresh(1), fails("boom")).withLatency(c, 10*time.Millisecond)
	ctx := context.Background()
	if h, err := s.Head(ctx); err != nil || h.Number != 1 {
		t.Fatalf("call 1 = %+v, %v; want #1", h, err)
	}
	for range 3 {
		if _, err := s.Head(ctx); err == nil || err.Error() != "boom" {
			t.Fatalf("calls 2+ = %v; want boom", err)
		}
	}
	if s.Calls() != 4 || c.Elapsed() != 40*time.Millisecond {
		t.Fatalf("calls %d, clock %s; want 4 calls, 40ms", s.Calls(), c.Elapsed())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Head(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: err %v, want context.Canceled", err)
	}
}

// The roles of the tests: an L2 whose failure is Unavailable, judged by every mode, and a builder
// whose failure is Partial, judged by health only, as the wiring defines them.
var (
	l2Role      = Role{Name: "l2", Title: "L2", Failure: Unavailable, Modes: []Mode{Health, Ready, Live}}
	builderRole = Role{Name: "builder", Title: "builder", Failure: Partial, Modes: []Mode{Health}}
)

// roleNamed is the test role of that name.
func roleNamed(name string) Role {
	if name == builderRole.Name {
		return builderRole
	}
	return l2Role
}

// pairRelations are the builder's relations to the L2 without a lag limit or a fork check.
var pairRelations = []Relation{SameChain(builderRole, l2Role), MaxLag(builderRole, l2Role, nil)}

// run is Run over the L2 and, when not nil, the builder, with pairRelations.
func run(ctx context.Context, clock Clock, mode Mode, cfg Config, l2 Target, builder *Target) Result {
	targets := []Target{l2}
	if builder != nil {
		targets = append(targets, *builder)
	}
	return Run(ctx, clock, mode, cfg, targets, pairRelations)
}

// judge is Judge over the L2 and, when not nil, the builder, with pairRelations.
func judge(mode Mode, cfg Config, l2 Endpoint, builder *Endpoint) Result {
	seen := []Endpoint{l2}
	if builder != nil {
		seen = append(seen, *builder)
	}
	return Judge(mode, cfg, seen, pairRelations)
}

// NewTicker is not used by check.
func (c *fakeClock) NewTicker(time.Duration) Ticker { panic("fakeClock: no ticker in check") }
