package watch

import (
	"math"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

func TestRate_IsBlocksPerSecondOverTheLastMinute(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	w.Observe(heads(check.Healthy, 100, 100))
	if _, ok := w.Rate("l2"); ok {
		t.Fatal("a rate from one sample; want none until two")
	}
	// Two blocks every 2 s: 1 block/s for the L2, the builder half as fast.
	for i := int64(1); i <= 60; i++ {
		clock.advance(2 * time.Second)
		w.Observe(heads(check.Healthy, 100+2*i, 100+i))
	}
	// 2 minutes in: only the last minute counts.
	for _, tc := range []struct {
		name string
		want float64
	}{{"l2", 1}, {"builder", 0.5}} {
		bps, ok := w.Rate(tc.name)
		if !ok || math.Abs(bps-tc.want) > 1e-9 {
			t.Errorf("%s: %v blocks/s (ok %v), want %v", tc.name, bps, ok, tc.want)
		}
	}
	if n := w.Samples("l2"); n < 30 || n > 31 {
		t.Errorf("%d samples at one per 2 s over a minute, want 30 or 31", n)
	}
}

func TestRate_ChangesWithinTheMinute(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	w.Observe(heads(check.Healthy, 0, 0))
	clock.advance(30 * time.Second)
	w.Observe(heads(check.Healthy, 15, 15)) // 0.5/s
	clock.advance(30 * time.Second)
	w.Observe(heads(check.Healthy, 75, 15)) // then 2/s: 75 blocks in 60 s
	if bps, _ := w.Rate("l2"); math.Abs(bps-1.25) > 1e-9 {
		t.Errorf("l2 %v blocks/s, want 1.25", bps)
	}
	if bps, _ := w.Rate("builder"); bps != 0.25 {
		t.Errorf("builder %v blocks/s, want 0.25", bps)
	}
	clock.advance(29 * time.Second)
	w.Observe(heads(check.Healthy, 75, 15)) // the first sample is now older than a minute
	if bps, _ := w.Rate("l2"); math.Abs(bps-60.0/59) > 1e-9 {
		t.Errorf("l2 %v blocks/s, want 60/59", bps)
	}
}

func TestRate_FastTicksAreThinnedAndStillSpanTheMinute(t *testing.T) {
	for _, every := range []time.Duration{200 * time.Millisecond, 900 * time.Millisecond, time.Second, 2 * time.Second} {
		clock := newFakeClock()
		w := New(clock.Now)
		for i := int64(0); clock.Now().Sub(t0) < 10*time.Minute; i++ { // one block per tick
			w.Observe(heads(check.Healthy, i, i))
			clock.advance(every)
		}
		if n := w.Samples("l2"); n > MaxSamples || n < 2 {
			t.Fatalf("every %s: %d samples, want 2..%d", every, n, MaxSamples)
		}
		win := w.window("l2")
		if span := win.at(win.n - 1).at.Sub(win.at(0).at); span < 55*time.Second || span > RateWindow {
			t.Errorf("every %s: samples span %s, want about a minute", every, span)
		}
		want := 1 / every.Seconds()
		if bps, _ := w.Rate("l2"); math.Abs(bps-want) > 1e-9 {
			t.Errorf("every %s: %v blocks/s, want %v", every, bps, want)
		}
	}
}

func TestRate_HeadGoingBackStartsOver_AndErrorsAgeSamplesOut(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	w.Observe(heads(check.Healthy, 100, 100))
	clock.advance(10 * time.Second)
	w.Observe(heads(check.Healthy, 110, 110))
	clock.advance(10 * time.Second)
	w.Observe(heads(check.Healthy, 50, 110)) // reset chain
	if _, ok := w.Rate("l2"); ok || w.Samples("l2") != 1 {
		t.Errorf("after the head went back: %d samples, want a fresh window of 1", w.Samples("l2"))
	}
	clock.advance(10 * time.Second)
	w.Observe(heads(check.Unavailable, -1, 120)) // no L2 head: nothing recorded
	if n := w.Samples("l2"); n != 1 {
		t.Errorf("%d samples after an error, want 1", n)
	}
	clock.advance(RateWindow)
	w.Observe(heads(check.Unavailable, -1, 130))
	if n := w.Samples("l2"); n != 0 {
		t.Errorf("%d samples a minute into an outage, want 0", n)
	}
	// The builder's samples older than a minute are gone: #120 at 30 s, #130 at 90 s.
	if bps, ok := w.Rate("builder"); !ok || bps != 10.0/60 {
		t.Errorf("builder %v blocks/s (ok %v), want 10/60", bps, ok)
	}
}
