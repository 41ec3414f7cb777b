package check

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	maxAge = 10 * time.Second
	stale  = time.Minute // well past maxAge
)

// oneShot is a single-sample check with an age limit.
var oneShot = Config{MaxAge: maxAge}

// windowed watches for one new block within a second, polling every 100 ms.
var windowed = Config{MaxAge: maxAge, Interval: time.Second, MinBlocks: 1, PollEvery: 100 * time.Millisecond}

// TestExitTable runs every row of the exit-code table through Run with fake endpoints.
// The L2 and the builder share one fake clock, as they share the real one.
func TestExitTable(t *testing.T) {
	type row struct {
		name    string
		mode    Mode
		cfg     Config
		l2      []step
		builder []step // nil: no builder given
		state   State
		code    int
		causes  []Cause // of the judged endpoints, in role order ("": passed)
		// builderCalls is how often the builder may be asked; -1 for "at least once".
		builderCalls int
	}
	rows := []row{
		{
			name: "Healthy_L2AndBuilderFresh", mode: Health, cfg: oneShot,
			l2: []step{fresh(100)}, builder: []step{fresh(200)},
			state: Healthy, code: 0, causes: []Cause{"", ""}, builderCalls: -1,
		},
		{
			name: "Healthy_L2AndBuilderProgressing", mode: Health, cfg: windowed,
			l2: climbing(100, 5), builder: climbing(200, 5),
			state: Healthy, code: 0, causes: []Cause{"", ""}, builderCalls: -1,
		},
		{
			name: "Healthy_NoBuilderGiven", mode: Health, cfg: oneShot,
			l2:    []step{fresh(100)},
			state: Healthy, code: 0, causes: []Cause{""},
		},
		{
			name: "BuilderStale_IsPartial", mode: Health, cfg: oneShot,
			l2: []step{fresh(100)}, builder: []step{at(200, stale)},
			state: Partial, code: 1, causes: []Cause{"", CauseStale}, builderCalls: -1,
		},
		{
			name: "BuilderFrozen_IsPartial", mode: Health, cfg: windowed,
			l2: climbing(100, 5), builder: []step{fresh(200)},
			state: Partial, code: 1, causes: []Cause{"", CauseStuck}, builderCalls: -1,
		},
		{
			name: "BuilderUnreachable_IsPartial", mode: Health, cfg: oneShot,
			l2: []step{fresh(100)}, builder: []step{fails("dial tcp 10.0.0.2:8545: connection refused")},
			state: Partial, code: 1, causes: []Cause{"", CauseUnreachable}, builderCalls: -1,
		},
		{
			name: "L2Stale_IsUnavailable_BuilderFine", mode: Health, cfg: oneShot,
			l2: []step{at(100, stale)}, builder: []step{fresh(200)},
			state: Unavailable, code: 2, causes: []Cause{CauseStale, ""}, builderCalls: -1,
		},
		{
			name: "L2Frozen_IsUnavailable_BuilderFine", mode: Health, cfg: windowed,
			l2: []step{fresh(100)}, builder: climbing(200, 5),
			state: Unavailable, code: 2, causes: []Cause{CauseStuck, ""}, builderCalls: -1,
		},
		{
			name: "L2Unreachable_IsUnavailable_BuilderFine", mode: Health, cfg: oneShot,
			l2: []step{fails("dial tcp 10.0.0.1:8545: connection refused")}, builder: []step{fresh(200)},
			state: Unavailable, code: 2, causes: []Cause{CauseUnreachable, ""}, builderCalls: -1,
		},
		{
			name: "L2Stale_IsUnavailableWhateverTheBuilder", mode: Health, cfg: oneShot,
			l2: []step{at(100, stale)}, builder: []step{at(200, 2*stale)},
			state: Unavailable, code: 2, causes: []Cause{CauseStale, CauseStale}, builderCalls: -1,
		},
		{
			name: "L2Frozen_IsUnavailableWhateverTheBuilder", mode: Health, cfg: windowed,
			l2: []step{fresh(100)}, builder: []step{fails("builder timeout")},
			state: Unavailable, code: 2, causes: []Cause{CauseStuck, CauseUnreachable}, builderCalls: -1,
		},
		{
			name: "L2Unreachable_IsUnavailableWhateverTheBuilder", mode: Health, cfg: windowed,
			l2: []step{fails("l2 refused")}, builder: []step{fresh(200)},
			state: Unavailable, code: 2, causes: []Cause{CauseUnreachable, CauseStuck}, builderCalls: -1,
		},
		{
			name: "Ready_IgnoresBrokenBuilder", mode: Ready, cfg: oneShot,
			l2: []step{fresh(100)}, builder: []step{fails("builder down")},
			state: Healthy, code: 0, causes: []Cause{""}, builderCalls: 0,
		},
		{
			name: "Ready_L2Stale_IsUnavailable", mode: Ready, cfg: oneShot,
			l2: []step{at(100, stale)}, builder: []step{fresh(200)},
			state: Unavailable, code: 2, causes: []Cause{CauseStale}, builderCalls: 0,
		},
		{
			name: "Ready_L2Frozen_IsUnavailable", mode: Ready, cfg: windowed,
			l2: []step{fresh(100)}, builder: climbing(200, 5),
			state: Unavailable, code: 2, causes: []Cause{CauseStuck}, builderCalls: 0,
		},
		{
			name: "Live_HourOldL2_IsHealthy", mode: Live, cfg: windowed,
			l2: []step{at(100, time.Hour)}, builder: []step{fails("builder down")},
			state: Healthy, code: 0, causes: []Cause{""}, builderCalls: 0,
		},
		{
			name: "Live_L2Unreachable_IsUnavailable", mode: Live, cfg: oneShot,
			l2: []step{fails("connection refused")}, builder: []step{fresh(200)},
			state: Unavailable, code: 2, causes: []Cause{CauseUnreachable}, builderCalls: 0,
		},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			l2 := script(tc.l2...)
			var builder *Target
			var bsrc *fakeSource
			if tc.builder != nil {
				bsrc = script(tc.builder...)
				builder = &Target{Role: builderRole, URL: "http://builder", Source: bsrc}
			}
			r := run(context.Background(), clock, tc.mode, tc.cfg, Target{Role: l2Role, URL: "http://l2", Source: l2}, builder)

			if r.State != tc.state || r.State.ExitCode() != tc.code {
				t.Errorf("state %s (exit %d), want %s (exit %d); reason %q", r.State, r.State.ExitCode(), tc.state, tc.code, r.Reason)
			}
			if r.Mode != tc.mode || r.Config != tc.cfg {
				t.Errorf("result mode/config = %s/%+v, want %s/%+v", r.Mode, r.Config, tc.mode, tc.cfg)
			}
			if r.Endpoint("l2").Name() != "l2" || r.Endpoint("l2").URL != "http://l2" {
				t.Errorf("L2 endpoint named %q at %q", r.Endpoint("l2").Name(), r.Endpoint("l2").URL)
			}
			assertCauses(t, r, tc.causes)
			if bsrc != nil {
				switch calls := bsrc.Calls(); {
				case tc.builderCalls == 0 && calls != 0:
					t.Errorf("builder asked %d times in %s mode, want never", calls, tc.mode)
				case tc.builderCalls < 0 && calls == 0:
					t.Errorf("builder never asked in %s mode", tc.mode)
				}
				if tc.mode != Health && r.Endpoint("builder") != nil {
					t.Errorf("%s mode result carries a builder endpoint: %+v", tc.mode, *r.Endpoint("builder"))
				}
				if tc.mode == Health && (r.Endpoint("builder") == nil || r.Endpoint("builder").Name() != "builder") {
					t.Errorf("health mode result lost the builder: %+v", r.Endpoint("builder"))
				}
			} else if r.Endpoint("builder") != nil {
				t.Errorf("no builder given, result has one: %+v", *r.Endpoint("builder"))
			}
			if tc.mode == Live && l2.Calls() != 1 {
				t.Errorf("live asked the L2 %d times, want one sample whatever the interval", l2.Calls())
			}
			if r.Start != t0 || r.Duration != clock.Elapsed() {
				t.Errorf("start %s duration %s, want %s and %s", r.Start, r.Duration, t0, clock.Elapsed())
			}
		})
	}
}

// assertCauses checks the judged endpoints' causes, in role order, and that the run's reason is
// theirs: the failing endpoints' in that order, else every endpoint's.
func assertCauses(t *testing.T, r Result, causes []Cause) {
	t.Helper()
	var got []Cause
	var failing, passing []string
	for _, e := range r.Endpoints {
		got = append(got, e.Cause)
		if e.OK != (e.Cause == "") {
			t.Errorf("%s: ok %v with cause %q", e.Name(), e.OK, e.Cause)
		}
		if e.OK {
			passing = append(passing, e.Name()+" "+e.Reason)
		} else {
			failing = append(failing, e.Name()+" "+e.Reason)
		}
	}
	if !slices.Equal(got, causes) {
		t.Errorf("causes %q, want %q (reason %q)", got, causes, r.Reason)
	}
	want := strings.Join(passing, ", ")
	if len(failing) > 0 {
		want = strings.Join(failing, "; ")
	}
	if r.Reason != want {
		t.Errorf("reason %q, want the endpoints' %q", r.Reason, want)
	}
}

// TestJudge_VerdictOrder checks Judge alone on hand-made observations, including the
// observations Run never hands it (no head and no error).
func TestJudge_VerdictOrder(t *testing.T) {
	ok := func(name string, n uint64) Endpoint {
		h := head(n, time.Second)
		return Endpoint{Role: roleNamed(name), Observation: Observation{First: &h, Last: &h, Samples: 1, Age: time.Second}}
	}
	old := func(name string, n uint64) Endpoint {
		e := ok(name, n)
		e.Age = stale
		return e
	}
	empty := func(name string) Endpoint { return Endpoint{Role: roleNamed(name)} }
	ptr := func(e Endpoint) *Endpoint { return &e }
	rows := []struct {
		name    string
		mode    Mode
		l2      Endpoint
		builder *Endpoint
		state   State
		causes  []Cause
	}{
		{"BothFine_IsHealthy", Health, ok("l2", 1), ptr(ok("builder", 2)), Healthy, []Cause{"", ""}},
		{"BuilderStale_IsPartial", Health, ok("l2", 1), ptr(old("builder", 2)), Partial, []Cause{"", CauseStale}},
		{"L2Stale_BuilderStale_BothReasonsL2First", Health, old("l2", 1), ptr(old("builder", 2)), Unavailable, []Cause{CauseStale, CauseStale}},
		{"L2NoHeadNoError_IsUnavailable", Health, empty("l2"), ptr(ok("builder", 2)), Unavailable, []Cause{CauseUnreachable, ""}},
		{"BuilderNoHead_IsPartial", Health, ok("l2", 1), ptr(empty("builder")), Partial, []Cause{"", CauseUnreachable}},
		{"Ready_BuilderPassedAnyway_Ignored", Ready, ok("l2", 1), ptr(empty("builder")), Healthy, []Cause{""}},
		{"Live_OldHead_BuilderPassedAnyway_Ignored", Live, old("l2", 1), ptr(empty("builder")), Healthy, []Cause{""}},
		{"Live_NoHead_IsUnavailable", Live, empty("l2"), nil, Unavailable, []Cause{CauseUnreachable}},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			r := judge(tc.mode, oneShot, tc.l2, tc.builder)
			if r.State != tc.state {
				t.Errorf("Judge = %s %q, want %s", r.State, r.Reason, tc.state)
			}
			assertCauses(t, r, tc.causes)
			if tc.mode != Health && r.Endpoint("builder") != nil {
				t.Errorf("%s mode kept the builder", tc.mode)
			}
		})
	}
}

// TestHeadAge_Boundaries pins rollup-boost's age rule: whole seconds, stale only when strictly
// older than MaxAge, MaxAge 0 disables it, and a head from the future is age 0.
func TestHeadAge_Boundaries(t *testing.T) {
	rows := []struct {
		name   string
		maxAge time.Duration
		skew   time.Duration // how far the local clock is past t0 when the head is read
		ts     uint64        // head timestamp
		age    time.Duration
		ahead  time.Duration
		stale  bool
	}{
		{"AgeEqualsMaxAge_IsFresh", 10 * time.Second, 0, uint64(t0.Unix() - 10), 10 * time.Second, 0, false},
		{"AgeOneSecondOverMaxAge_IsStale", 10 * time.Second, 0, uint64(t0.Unix() - 11), 11 * time.Second, 0, true},
		{"SubSecondsAreDropped_10.999sIsFresh", 10 * time.Second, 999 * time.Millisecond, uint64(t0.Unix() - 10), 10 * time.Second, 0, false},
		{"FractionalMaxAge_1sIsFresh", 1500 * time.Millisecond, 0, uint64(t0.Unix() - 1), time.Second, 0, false},
		{"FractionalMaxAge_2sIsStale", 1500 * time.Millisecond, 0, uint64(t0.Unix() - 2), 2 * time.Second, 0, true},
		{"MaxAgeZero_YearOldHeadIsFresh", 0, 0, uint64(t0.Add(-365 * 24 * time.Hour).Unix()), 365 * 24 * time.Hour, 0, false},
		{"HeadOneHourAhead_IsAgeZeroAndFresh", 10 * time.Second, 0, uint64(t0.Add(time.Hour).Unix()), 0, time.Hour, false},
		{"HeadHalfSecondAhead_RoundsToSameSecond", 10 * time.Second, 500 * time.Millisecond, uint64(t0.Unix()), 0, 0, false},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			clock.Advance(tc.skew)
			cfg := Config{MaxAge: tc.maxAge}
			src := script(step{head: Head{Number: 7, Hash: hash(7, 0), Timestamp: tc.ts}})
			r := run(context.Background(), clock, Ready, cfg, Target{Role: l2Role, Source: src}, nil)
			if r.Endpoint("l2").Age != tc.age || r.Endpoint("l2").Ahead != tc.ahead {
				t.Errorf("age %s ahead %s, want age %s ahead %s", r.Endpoint("l2").Age, r.Endpoint("l2").Ahead, tc.age, tc.ahead)
			}
			want := Healthy
			if tc.stale {
				want = Unavailable
			}
			if r.State != want {
				t.Errorf("state %s (%q), want %s", r.State, r.Reason, want)
			}
			if tc.stale && r.Endpoint("l2").Cause != CauseStale {
				t.Errorf("stale: cause %q", r.Endpoint("l2").Cause)
			}
		})
	}
}

// TestGarbageTimestamp_NoOverflow feeds timestamps no chain will reach; the age must not wrap
// around into a negative or a huge positive duration, and nothing may panic.
func TestGarbageTimestamp_NoOverflow(t *testing.T) {
	const century = 100 * 365 * 24 * time.Hour
	for _, ts := range []uint64{math.MaxUint64, 1 << 63, math.MaxInt64, 1 << 62, 1 << 40} {
		clock := newClock()
		src := script(step{head: Head{Number: 1, Timestamp: ts}})
		r := run(context.Background(), clock, Health, Config{MaxAge: maxAge}, Target{Role: l2Role, Source: src}, nil)
		if r.Endpoint("l2").Age != 0 {
			t.Errorf("ts %d: age %s, want 0 for a future head", ts, r.Endpoint("l2").Age)
		}
		if r.Endpoint("l2").Ahead < century {
			t.Errorf("ts %d: ahead %s, want a large positive skew", ts, r.Endpoint("l2").Ahead)
		}
		if r.State != Healthy {
			t.Errorf("ts %d: state %s (%q); a future head is age 0, as in rollup-boost", ts, r.State, r.Reason)
		}
	}
	// And the other way: timestamp 0 is half a century old, not negative.
	clock := newClock()
	r := run(context.Background(), clock, Health, Config{MaxAge: maxAge}, Target{Role: l2Role, Source: script(step{head: Head{Number: 1}})}, nil)
	if want := time.Duration(t0.Unix()) * time.Second; r.Endpoint("l2").Age != want || r.Endpoint("l2").Ahead != 0 || r.State != Unavailable {
		t.Errorf("ts 0: age %s ahead %s state %s, want age %s, stale", r.Endpoint("l2").Age, r.Endpoint("l2").Ahead, r.State, want)
	}
}

// panicSource is a Source with a bug.
type panicSource struct{}

func (panicSource) Head(context.Context) (Head, error) { panic("source exploded") }

func TestPanickingSource_ReachesTheCaller(t *testing.T) {
	defer func() {
		if p := recover(); p != "source exploded" {
			t.Errorf("recovered %v, want the source's panic on the caller's goroutine", p)
		}
	}()
	run(t.Context(), newClock(), Health, Config{}, Target{Role: l2Role, Source: script(fresh(1))}, &Target{Role: builderRole, Source: panicSource{}})
	t.Error("Run returned normally after a panic in an observer")
}
