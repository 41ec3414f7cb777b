package check

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

const poll = 100 * time.Millisecond

// observe runs Observe on a fresh fake clock and returns the observation with the clock.
func observe(t *testing.T, cfg Config, src *fakeSource) (Observation, *fakeClock) {
	t.Helper()
	clock := newClock()
	if src.clock == nil && src.latency > 0 {
		t.Fatal("latency without a clock")
	}
	return Observe(context.Background(), clock, src, cfg), clock
}

// verdict judges o as the L2 in Ready mode.
func verdict(cfg Config, o Observation) Result {
	return judge(Ready, cfg, Endpoint{Role: l2Role, Observation: o}, nil)
}

func TestSingleSample_NoWindow(t *testing.T) {
	src := script(fresh(100), fresh(101))
	o, clock := observe(t, Config{MaxAge: maxAge}, src)
	if o.Samples != 1 || src.Calls() != 1 || clock.Elapsed() != 0 || len(clock.Waits()) != 0 {
		t.Fatalf("samples %d calls %d elapsed %s waits %v; want one sample and no waiting", o.Samples, src.Calls(), clock.Elapsed(), clock.Waits())
	}
	if o.First == nil || o.Last == nil || o.First.Number != 100 || o.Last.Number != 100 || o.Progress != 0 || o.Window != 0 {
		t.Fatalf("observation %+v, want #100 seen once", o)
	}
	if r := verdict(Config{MaxAge: maxAge}, o); r.State != Healthy {
		t.Fatalf("one fresh sample without a window: %s %q, want healthy (no progress asked)", r.State, r.Reason)
	}
}

func TestHeadAdvancesOnThirdSample_AnswersEarly(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: 10 * time.Second, MinBlocks: 1, PollEvery: poll}
	src := script(fresh(100), fresh(100), fresh(101), fresh(102))
	o, clock := observe(t, cfg, src)
	if o.Samples != 3 || src.Calls() != 3 {
		t.Fatalf("samples %d calls %d, want to stop at the 3rd sample", o.Samples, src.Calls())
	}
	if clock.Elapsed() != 2*poll || o.Window != 2*poll {
		t.Fatalf("clock advanced %s, window %s; want %s, not the whole %s interval", clock.Elapsed(), o.Window, 2*poll, cfg.Interval)
	}
	if o.Progress != 1 || o.First.Number != 100 || o.Last.Number != 101 || o.Reorg != nil || o.Err != nil {
		t.Fatalf("observation %+v, want #100 → #101, +1", o)
	}
	r := verdict(cfg, o)
	if r.State != Healthy || r.Endpoints[0].Progress != 1 || r.Endpoints[0].Window != 200*time.Millisecond {
		t.Fatalf("verdict %s %q, want healthy with +1 in 200ms", r.State, r.Reason)
	}
}

func TestHeadTooSlow_WindowRunsOut_IsUnavailable(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 3, PollEvery: poll}
	src := script(fresh(100), fresh(100), fresh(101), fresh(101), fresh(102)) // then #102 for ever
	o, clock := observe(t, cfg, src)
	if o.Progress != 2 || o.Last.Number != 102 {
		t.Fatalf("progress %d at #%d, want +2 at #102", o.Progress, o.Last.Number)
	}
	if o.Window != cfg.Interval || clock.Elapsed() != cfg.Interval {
		t.Fatalf("window %s (clock %s), want exactly the interval %s", o.Window, clock.Elapsed(), cfg.Interval)
	}
	if want := int(cfg.Interval/poll) + 1; o.Samples != want {
		t.Fatalf("samples %d, want %d (at 0, 100ms, …, 1s)", o.Samples, want)
	}
	r := verdict(cfg, o)
	if r.State != Unavailable || r.Endpoints[0].Cause != CauseStuck || o.Progress != 2 || o.Last.Number != 102 {
		t.Fatalf("verdict %s %q, want unavailable, advanced 2 of 3", r.State, r.Reason)
	}
}

func TestHeadStuck_WindowRunsOut_IsUnavailable(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 1, PollEvery: poll}
	o, _ := observe(t, cfg, script(fresh(100)))
	r := verdict(cfg, o)
	if o.Progress != 0 || r.State != Unavailable || r.Endpoints[0].Cause != CauseStuck || o.Window != time.Second {
		t.Fatalf("progress %d, verdict %s %q; want stuck at #100", o.Progress, r.State, r.Reason)
	}
}

func TestStaleAndStuck_AgeIsReportedFirst(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 1, PollEvery: poll}
	o, _ := observe(t, cfg, script(at(100, stale)))
	r := verdict(cfg, o)
	// The age is the last sample's, taken when the 1 s window closed: 1m0s + 1s.
	if r.State != Unavailable || r.Endpoints[0].Cause != CauseStale || o.Age != 61*time.Second {
		t.Fatalf("verdict %s %q, want the age reason", r.State, r.Reason)
	}
}

func TestReorgBackwards_RecordedAndRebuiltBlocksAreNoProgress(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 3, PollEvery: poll}
	o, _ := observe(t, cfg, script(fresh(10), fresh(11), step{head: Head{Number: 9, Hash: hash(9, 1), Timestamp: head(9, time.Second).Timestamp}}, fresh(10)))
	if o.Reorg == nil {
		t.Fatalf("no reorg recorded: %+v", o)
	}
	if o.Reorg.From.Number != 11 || o.Reorg.To.Number != 9 || o.Reorg.To.Hash != hash(9, 1) {
		t.Fatalf("reorg %+v → %+v, want #11 → #9 (fork 1)", o.Reorg.From, o.Reorg.To)
	}
	if o.Progress != 0 || o.First.Number != 10 || o.Last.Number != 10 {
		t.Fatalf("progress %d first #%d last #%d, want 0: #10 is not beyond #11 (first #10, last #10)", o.Progress, o.First.Number, o.Last.Number)
	}
	r := verdict(cfg, o)
	if r.State != Unavailable {
		t.Fatalf("state %s, want unavailable", r.State)
	}
	if c := r.Endpoints[0].Cause; c != CauseStuck || o.Reorg == nil || o.Reorg.From.Number != 11 || o.Reorg.To.Number != 9 || o.Last.Number != 10 {
		t.Errorf("cause %q, reorg %+v, head %+v: want stuck at #10 after #11 → #9", c, o.Reorg, o.Last)
	}
}

func TestReorgThenRecovery_CountsOnlyBlocksBeyondTheOldHead(t *testing.T) {
	// #11 went back to #9: the rebuilt #10 and #11 are no progress; +3 is reached at #14.
	cfg := Config{MaxAge: maxAge, Interval: 10 * time.Second, MinBlocks: 3, PollEvery: poll}
	src := script(fresh(10), fresh(11), fresh(9), fresh(10), fresh(11), fresh(12), fresh(13), fresh(14), fresh(15))
	o, clock := observe(t, cfg, src)
	if o.Samples != 8 || o.Progress != 3 || o.Last.Number != 14 || clock.Elapsed() != 7*poll {
		t.Fatalf("samples %d progress %d last #%d elapsed %s, want 8 samples, +3 at #14 after 700ms", o.Samples, o.Progress, o.Last.Number, clock.Elapsed())
	}
	if o.Reorg == nil || o.Reorg.From.Number != 11 || o.Reorg.To.Number != 9 {
		t.Fatalf("reorg %+v, want #11 → #9 kept after recovery", o.Reorg)
	}
	if r := verdict(cfg, o); r.State != Healthy {
		t.Fatalf("state %s %q, want healthy after the recovery", r.State, r.Reason)
	}
}

func TestSameHeightNewHash_IsReorg(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 1, PollEvery: poll}
	replaced := step{head: Head{Number: 10, Hash: hash(10, 1), Timestamp: head(10, time.Second).Timestamp}}
	o, _ := observe(t, cfg, script(fresh(10), replaced))
	if o.Reorg == nil || o.Reorg.From.Hash != hash(10, 0) || o.Reorg.To.Hash != hash(10, 1) {
		t.Fatalf("reorg %+v, want #10 replaced by its fork-1 twin", o.Reorg)
	}
	r := verdict(cfg, o)
	if o.Progress != 0 || r.State != Unavailable || r.Endpoints[0].Cause != CauseStuck || o.Reorg == nil || o.Reorg.From.Number != 10 || o.Reorg.To.Number != 10 {
		t.Fatalf("progress %d verdict %s %q, want unavailable mentioning the reorg", o.Progress, r.State, r.Reason)
	}
}

func TestSameHeightSameHash_IsNotReorg(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: 300 * time.Millisecond, MinBlocks: 1, PollEvery: poll}
	o, _ := observe(t, cfg, script(fresh(10)))
	if o.Reorg != nil || o.Samples != 4 {
		t.Fatalf("reorg %+v after %d samples of the same head, want none", o.Reorg, o.Samples)
	}
}

func TestRequestFailsMidWindow_StopsAndKeepsTheError(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: 10 * time.Second, MinBlocks: 1, PollEvery: poll}
	src := script(fresh(100), fresh(100), fails("read tcp: connection reset by peer"), fresh(101))
	o, clock := observe(t, cfg, src)
	if o.Samples != 3 || src.Calls() != 3 || clock.Elapsed() != 2*poll {
		t.Fatalf("samples %d calls %d elapsed %s, want to stop at the failing 3rd request", o.Samples, src.Calls(), clock.Elapsed())
	}
	if o.Err == nil || o.Err.Error() != "read tcp: connection reset by peer" {
		t.Fatalf("err %v, want the failing request's error as is", o.Err)
	}
	if o.Last == nil || o.Last.Number != 100 {
		t.Fatalf("last %+v, want the last head seen before the failure", o.Last)
	}
	if r := verdict(cfg, o); r.State != Unavailable || r.Endpoints[0].Cause != CauseUnreachable || r.Endpoints[0].Reason != o.Err.Error() {
		t.Fatalf("verdict %s %q, want unavailable with the error", r.State, r.Reason)
	}
}

func TestFirstRequestFails_NoHead(t *testing.T) {
	o, _ := observe(t, Config{Interval: time.Second, MinBlocks: 1}, script(fails("no such host")))
	if o.Samples != 1 || o.First != nil || o.Last != nil || o.Err == nil {
		t.Fatalf("observation %+v, want one failed sample and no head", o)
	}
}

// TestInterrupted_ReturnsPromptly cancels the context while the second sample is in flight.
// Observe's select between ctx.Done and an already-fired fake timer is a coin flip, so it may
// take one more (failing) sample; it must never sit out the window. Repeated to hit both branches.
func TestInterrupted_ReturnsPromptly(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Hour, MinBlocks: 1, PollEvery: poll}
	for range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		src := script(fresh(100))
		src.onCall = func(n int) {
			if n == 2 {
				cancel()
			}
		}
		clock := newClock()
		o := Observe(ctx, clock, src, cfg)
		cancel()
		if o.Samples < 2 || o.Samples > 3 || src.Calls() != o.Samples {
			t.Fatalf("samples %d calls %d, want to stop right after the cancel (2 or 3)", o.Samples, src.Calls())
		}
		if clock.Elapsed() > 2*poll || o.Window != clock.Elapsed() {
			t.Fatalf("clock advanced %s, window %s; want at most %s of the %s window", clock.Elapsed(), o.Window, 2*poll, cfg.Interval)
		}
		if o.Err != nil && !errors.Is(o.Err, context.Canceled) {
			t.Fatalf("err %v, want none or context.Canceled", o.Err)
		}
		if o.Last == nil || o.Last.Number != 100 {
			t.Fatalf("last %+v, want #100 kept", o.Last)
		}
	}
}

func TestLastWait_ShortenedToWindow(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: 250 * time.Millisecond, MinBlocks: 1, PollEvery: poll}
	o, clock := observe(t, cfg, script(fresh(100)))
	if want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 50 * time.Millisecond}; !reflect.DeepEqual(clock.Waits(), want) {
		t.Fatalf("waits %v, want %v", clock.Waits(), want)
	}
	if o.Samples != 4 || o.Window != cfg.Interval {
		t.Fatalf("samples %d window %s, want 4 samples over exactly %s", o.Samples, o.Window, cfg.Interval)
	}
}

func TestPollEveryZero_UsesDefault(t *testing.T) {
	cfg := Config{Interval: 3 * DefaultPollEvery, MinBlocks: 1}
	_, clock := observe(t, cfg, script(fresh(100)))
	if want := []time.Duration{DefaultPollEvery, DefaultPollEvery, DefaultPollEvery}; !reflect.DeepEqual(clock.Waits(), want) {
		t.Fatalf("waits %v, want %v", clock.Waits(), want)
	}
}

func TestSlowEndpoint_LatencyAndAgeMeasuredOnArrival(t *testing.T) {
	clock := newClock()
	// Stamped exactly MaxAge before the request; the answer arrives 1 s later, so it is stale.
	src := script(at(100, maxAge)).withLatency(clock, time.Second)
	o := Observe(context.Background(), clock, src, Config{MaxAge: maxAge})
	if o.Latency != time.Second || o.Window != time.Second {
		t.Fatalf("latency %s window %s, want 1s each", o.Latency, o.Window)
	}
	if o.Age != maxAge+time.Second {
		t.Fatalf("age %s, want %s (measured when the answer arrived)", o.Age, maxAge+time.Second)
	}
}

func TestSlowEndpoint_RequestOutlastsWindow_StopsAfterIt(t *testing.T) {
	clock := newClock()
	cfg := Config{MaxAge: maxAge, Interval: 250 * time.Millisecond, MinBlocks: 1, PollEvery: poll}
	src := script(fresh(100)).withLatency(clock, 300*time.Millisecond)
	o := Observe(context.Background(), clock, src, cfg)
	if o.Samples != 1 || len(clock.Waits()) != 0 || o.Window != 300*time.Millisecond {
		t.Fatalf("samples %d waits %v window %s, want a single 300ms sample", o.Samples, clock.Waits(), o.Window)
	}
}

// frozenClock is a fakeClock whose timers never fire: only ctx can end a wait.
type frozenClock struct{ *fakeClock }

func (frozenClock) After(time.Duration) <-chan time.Time { return nil }

// TestInterrupted_WhileWaiting_DoesNotWaitForTimer cancels while the first request is in flight,
// with a poll timer that would never fire: Observe must end the wait on ctx alone, keep the
// head it got, and make no further request.
func TestInterrupted_WhileWaiting_DoesNotWaitForTimer(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Hour, MinBlocks: 1, PollEvery: poll}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := script(fresh(100))
	src.onCall = func(int) { cancel() }
	done := make(chan Observation, 1)
	go func() { done <- Observe(ctx, frozenClock{newClock()}, src, cfg) }()
	var o Observation
	select {
	case o = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Observe still waiting for its poll timer 2s after ctx was cancelled")
	}
	if o.Samples != 1 || src.Calls() != 1 || o.Last == nil || o.Last.Number != 100 || o.Window != 0 {
		t.Fatalf("observation %+v after %d calls, want the one head and no further request", o, src.Calls())
	}
}

func TestSystemClock_IsRealTime(t *testing.T) {
	var c Clock = SystemClock{}
	if d := time.Since(c.Now()); d < 0 || d > time.Second {
		t.Fatalf("SystemClock.Now is %s off time.Now", d)
	}
	select {
	case <-c.After(time.Millisecond):
	case <-time.After(2 * time.Second):
		t.Fatal("SystemClock.After(1ms) did not fire")
	}
}
