package watch

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// countingWriter counts writes and the lines in them, and closes reached when n writes were made.
type countingWriter struct {
	mu            sync.Mutex
	writes, lines int
	clears        int
	n             int
	reached       chan struct{}
	last          string
}

func newCountingWriter(n int) *countingWriter {
	return &countingWriter{n: n, reached: make(chan struct{})}
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	w.lines += strings.Count(string(p), "\n")
	w.clears += strings.Count(string(p), ClearScreen)
	w.last = string(p)
	if w.writes == w.n {
		close(w.reached)
	}
	return len(p), nil
}

func (w *countingWriter) counts() (writes, lines, clears int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes, w.lines, w.clears
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestLoop_10000Ticks_HistoryMemoryAndGoroutinesStayFlat(t *testing.T) {
	const ticks = 10_000
	for _, tty := range []bool{false, true} {
		before := runtime.NumGoroutine()
		clock := newFakeClock()
		w := New(clock.Now)
		ctx, cancel := context.WithCancel(context.Background())
		out := newCountingWriter(ticks)
		probes, maxL2, maxBuilder, maxChanges := 0, 0, 0, 0
		var heapAt1000, heapAtEnd uint64
		probe := func(ctx context.Context) check.Result {
			// The probe runs on the loop's goroutine, between observations: look at the history as it grows.
			maxL2, maxBuilder = max(maxL2, w.Samples("l2")), max(maxBuilder, w.Samples("builder"))
			maxChanges = max(maxChanges, len(w.Changes()))
			switch probes {
			case 1000:
				heapAt1000 = heapInUse()
			case ticks - 1:
				heapAtEnd = heapInUse()
			}
			i := int64(probes)
			probes++
			clock.advance(2 * time.Second)
			state := []check.State{check.Healthy, check.Partial, check.Unavailable}[(i/100)%3]
			return heads(state, 1000+i, 1000+i-i%3)
		}
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx, clock, Options{Every: 2 * time.Second, TTY: tty}, probe, out) }()
		for range ticks - 1 { // the first probe needs no tick
			clock.ticks <- time.Time{}
		}
		<-out.reached
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("tty %v: loop ended with %v", tty, err)
			}
		case <-time.After(time.Second):
			t.Fatalf("tty %v: loop still running a second after cancel", tty)
		}
		writes, lines, clears := out.counts()
		if probes != ticks || writes != ticks {
			t.Errorf("tty %v: %d probes, %d writes; want %d each", tty, probes, writes, ticks)
		}
		if !tty && lines != ticks {
			t.Errorf("%d lines for %d ticks", lines, ticks)
		}
		if tty && clears != ticks {
			t.Errorf("%d screens for %d ticks", clears, ticks)
		}
		if maxL2 > MaxSamples || maxBuilder > MaxSamples || maxChanges > MaxChanges {
			t.Errorf("tty %v: history grew to %d/%d samples and %d changes (caps %d, %d)", tty, maxL2, maxBuilder, maxChanges, MaxSamples, MaxChanges)
		}
		if maxL2 < 30 || maxChanges != MaxChanges {
			t.Errorf("tty %v: history never filled (%d samples, %d changes): the test tests nothing", tty, maxL2, maxChanges)
		}
		if grown := int64(heapAtEnd) - int64(heapAt1000); grown > 1<<20 {
			t.Errorf("tty %v: live heap grew by %d bytes from tick 1000 to %d", tty, grown, ticks)
		}
		if !clock.isStopped() {
			t.Errorf("tty %v: ticker not stopped", tty)
		}
		if after := runtime.NumGoroutine(); after > before+2 || after < before-2 {
			t.Errorf("tty %v: %d goroutines before, %d after", tty, before, after)
		}
	}
}

func TestLoop_CtrlCWhileWaiting_EndsAtOnceWithNil(t *testing.T) {
	clock := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	out := newCountingWriter(1)
	done := make(chan error, 1)
	probe := func(context.Context) check.Result { return heads(check.Healthy, 1, 1) }
	go func() { done <- Loop(ctx, clock, Options{Every: time.Hour}, probe, out) }()
	<-out.reached
	start := time.Now()
	cancel() // what main's signal.NotifyContext does on SIGINT or SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("loop ended with %v, want nil (exit 0)", err)
		}
	case <-time.After(time.Second):
		t.Fatal("loop still running a second after Ctrl-C")
	}
	// Loose on purpose (a loaded machine delays goroutines): the loop must not wait for its next
	// tick, an hour away.
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("took %s to stop", took)
	}
	if !clock.isStopped() {
		t.Error("ticker not stopped")
	}
}

func TestLoop_CtrlCDuringProbe_DropsTheCutShortResult(t *testing.T) {
	clock := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	out := newCountingWriter(1)
	probes := 0
	probe := func(ctx context.Context) check.Result {
		probes++
		if probes == 1 {
			return heads(check.Healthy, 1, 1)
		}
		cancel() // Ctrl-C arrives while the request is in flight
		<-ctx.Done()
		return check.Result{State: check.Unknown, Reason: "observation cut short: context canceled"}
	}
	done := make(chan error, 1)
	go func() { done <- Loop(ctx, clock, Options{Every: time.Second}, probe, out) }()
	<-out.reached
	clock.ticks <- time.Time{}
	if err := <-done; err != nil {
		t.Errorf("loop ended with %v, want nil", err)
	}
	if writes, _, _ := out.counts(); writes != 1 || strings.Contains(out.last, "UNKNOWN") {
		t.Errorf("%d writes, last %q: the interrupted probe was shown", writes, out.last)
	}
}

func TestLoop_RealClockTicks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := newCountingWriter(3)
	done := make(chan error, 1)
	probe := func(context.Context) check.Result { return heads(check.Healthy, 1, 1) }
	go func() { done <- Loop(ctx, check.SystemClock{}, Options{Every: 10 * time.Millisecond}, probe, out) }()
	select {
	case <-out.reached:
	case <-time.After(5 * time.Second):
		t.Fatal("fewer than 3 ticks in 5 s at 10 ms")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLoop_RefusesNoPeriod_AndStopsOnWriteErrors(t *testing.T) {
	probe := func(context.Context) check.Result { return heads(check.Healthy, 1, 1) }
	if err := Loop(context.Background(), newFakeClock(), Options{}, probe, &countingWriter{}); err == nil {
		t.Error("a zero period was accepted")
	}
	broken := errors.New("broken pipe")
	err := Loop(context.Background(), newFakeClock(), Options{Every: time.Second}, probe, failingWriter{broken})
	if !errors.Is(err, broken) {
		t.Errorf("loop ended with %v, want the write error", err)
	}
}

func TestLoop_EmitReplacesTheView(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := newCountingWriter(1)
	opts := Options{Every: time.Hour, TTY: true, Emit: func(w io.Writer, r check.Result) error {
		_, err := w.Write([]byte("custom " + r.State.String() + "\n"))
		return err
	}}
	done := make(chan error, 1)
	go func() {
		done <- Loop(ctx, newFakeClock(), opts, func(context.Context) check.Result { return heads(check.Partial, 1, 1) }, out)
	}()
	<-out.reached
	cancel()
	<-done
	if out.last != "custom partial\n" {
		t.Errorf("wrote %q", out.last)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
