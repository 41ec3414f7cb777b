package check

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestWindowOfOneSample_ProgressNotJudged: "no progress" takes two samples. A window that held
// one (a request as slow as the window) is judged by age alone, and says so.
func TestWindowOfOneSample_ProgressNotJudged(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: 500 * time.Millisecond, MinBlocks: 1, PollEvery: poll}
	rows := []struct {
		name    string
		cfg     Config
		l2      []step
		latency time.Duration
		state   State
		samples int
		cause   Cause
		noted   bool // the reason ends in ProgressNotJudged
	}{
		{"SlowFreshHead_900msIn500ms_IsHealthy", cfg, []step{fresh(137)}, 900 * time.Millisecond,
			Healthy, 1, "", true},
		{"SlowStaleHead_FailsOnAge", cfg, []step{at(137, stale)}, 900 * time.Millisecond,
			Unavailable, 1, CauseStale, false},
		{"WindowExactlyOneRequest_IsNotJudged", cfg, []step{fresh(137)}, 500 * time.Millisecond,
			Healthy, 1, "", true},
		{"TwoSamples_StuckIsJudged", cfg, []step{fresh(137)}, 300 * time.Millisecond,
			Unavailable, 2, CauseStuck, false},
		{"FastSamples_StuckIsJudged", cfg, []step{fresh(137)}, 0,
			Unavailable, 6, CauseStuck, false},
		{"NoWindow_NoNote", Config{MaxAge: maxAge}, []step{fresh(137)}, 900 * time.Millisecond,
			Healthy, 1, "", false},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			src := script(tc.l2...).withLatency(clock, tc.latency)
			r := run(context.Background(), clock, Ready, tc.cfg, Target{Role: l2Role, Source: src}, nil)
			e := r.Endpoint("l2")
			if r.State != tc.state || e.Samples != tc.samples || e.Cause != tc.cause || strings.HasSuffix(e.Reason, ProgressNotJudged) != tc.noted {
				t.Errorf("%s after %d samples, cause %q, %q; want %s after %d, cause %q, noted %v", r.State, e.Samples, e.Cause, e.Reason, tc.state, tc.samples, tc.cause, tc.noted)
			}
		})
	}
}

// TestJudge_OneSampleWindow_BuilderNotPartial: the same rule for the builder and for observations
// handed to Judge directly (watch and library users), including one with no sample count at all.
func TestJudge_OneSampleWindow_BuilderNotPartial(t *testing.T) {
	cfg := Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 1}
	one := func(name string, n uint64, samples int) *Endpoint {
		h := head(n, time.Second)
		return &Endpoint{Role: roleNamed(name), Observation: Observation{First: &h, Last: &h, Samples: samples, Age: time.Second, Window: 1200 * time.Millisecond}}
	}
	for _, samples := range []int{0, 1} {
		r := judge(Health, cfg, *one("l2", 100, 5), one("builder", 100, samples))
		if r.State != Unavailable { // the L2's five samples without progress are judged
			t.Errorf("l2 stuck over 5 samples: %s %q", r.State, r.Reason)
		}
		if r.Endpoint("builder") == nil || !r.Endpoint("builder").OK || !strings.HasSuffix(r.Endpoint("builder").Reason, ProgressNotJudged) {
			t.Errorf("builder with %d samples: %+v, want ok with progress not judged", samples, r.Endpoint("builder"))
		}
	}
}

// TestStuckAcrossRuns_ShownOverTheMax: the stall shown is over the max it failed for, never
// rounded down to it, and never more than it was (the sentence is report's to test).
func TestStuckAcrossRuns_ShownOverTheMax(t *testing.T) {
	for _, tc := range []struct {
		stuck, max time.Duration
		want       string
	}{
		{2400 * time.Millisecond, 2 * time.Second, "2.4s"},
		{2001 * time.Millisecond, 2 * time.Second, "2.001s"},
		{2*time.Second + time.Nanosecond, 2 * time.Second, "2.000000001s"},
		{90500 * time.Millisecond, 20 * time.Second, "1m30s"},
		{30 * time.Second, 15 * time.Second, "30s"},
		{1600 * time.Millisecond, 1500 * time.Millisecond, "1.6s"},
	} {
		clock := newClock()
		prev := &Mark{Number: 100, Hash: hash(100, 0), Since: clock.Now().Add(-tc.stuck)}
		cfg := Config{MaxStall: tc.max, MinBlocks: 1}
		r := run(t.Context(), clock, Ready, cfg, Target{Role: l2Role, Source: script(fresh(100)), Previous: prev}, nil)
		if r.State != Unavailable || r.Endpoint("l2").Cause != CauseStuckAcrossRuns || beyond(r.Endpoint("l2").StuckFor, tc.max) != tc.want {
			t.Errorf("stuck %s, max %s: %s %q, want stuck across runs shown as %s", tc.stuck, tc.max, r.State, r.Reason, tc.want)
		}
	}
}
