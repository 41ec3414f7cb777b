package serve

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Ready and live judge the health check's own observations: a stale builder fails health (206)
// only; a stale L2 fails health and ready, not live; an unreachable L2 fails all three.
func TestDerive_ReadyAndLiveJudgeTheHealthChecksObservations(t *testing.T) {
	for _, c := range []struct {
		name                string
		l2, builder         *fakeSource
		health, ready, live check.State
	}{
		{"both fresh", &fakeSource{number: 10, age: time.Second}, &fakeSource{number: 10, age: time.Second}, check.Healthy, check.Healthy, check.Healthy},
		{"builder stale", &fakeSource{number: 10, age: time.Second}, &fakeSource{number: 9, age: time.Minute}, check.Partial, check.Healthy, check.Healthy},
		{"builder down", &fakeSource{number: 10, age: time.Second}, &fakeSource{err: errors.New("connection refused")}, check.Partial, check.Healthy, check.Healthy},
		{"L2 stale", &fakeSource{number: 10, age: time.Minute}, &fakeSource{number: 10, age: time.Second}, check.Unavailable, check.Unavailable, check.Healthy},
		{"L2 down", &fakeSource{err: errors.New("connection refused")}, &fakeSource{number: 10, age: time.Second}, check.Unavailable, check.Unavailable, check.Unavailable},
	} {
		clock := newFakeClock()
		c.l2.clock, c.builder.clock = clock, clock
		health := run(clock, c.l2, c.builder)
		ready, live := Derive(health, check.Ready), Derive(health, check.Live)
		if health.State != c.health || ready.State != c.ready || live.State != c.live {
			t.Errorf("%s: health %s, ready %s, live %s; want %s, %s, %s", c.name, health.State, ready.State, live.State, c.health, c.ready, c.live)
		}
		if ready.Mode != check.Ready || live.Mode != check.Live || len(ready.Endpoints) != 1 || ready.Endpoints[0].Role.Name != "l2" {
			t.Errorf("%s: ready %v %d endpoints, live %v: want each mode's own judgement of the L2 alone", c.name, ready.Mode, len(ready.Endpoints), live.Mode)
		}
		if ready.Start != health.Start || live.Duration != health.Duration {
			t.Errorf("%s: derived verdicts not stamped with the health check's time", c.name)
		}
	}
}

// A health check that judged nothing (an internal error) is no healthy ready or live verdict.
func TestDerive_UnknownStaysUnknown(t *testing.T) {
	health := check.Result{Mode: check.Health, State: check.Unknown, Reason: "internal error: boom", Start: t0}
	for _, m := range []check.Mode{check.Ready, check.Live} {
		if r := Derive(health, m); r.State != check.Unknown || r.Mode != m || r.Reason != health.Reason {
			t.Errorf("%s: %s %q, want unknown with the health check's reason", m, r.State, r.Reason)
		}
	}
}

func TestStaleAfter_IsTwoPeriodsAndTheRunsLength(t *testing.T) {
	if got := StaleAfter(2*time.Second, 0, time.Second); got != 5*time.Second {
		t.Errorf("every 2s, timeout 1s: %s, want 5s (2 × every + timeout)", got)
	}
	if got := ago(241*time.Millisecond, 240*time.Millisecond); got != "241ms" {
		t.Errorf("241ms past a 240ms limit shows as %q", got)
	}
	if got := StaleAfter(2*time.Second, 3*time.Second, time.Second); got != 8*time.Second {
		t.Errorf("with a 3s window: %s, want 8s", got)
	}
}

// A verdict is current up to the limit inclusive, then answered as "no fresh verdict" with its age.
func TestCurrent_FreshUpToTheLimitThenNoFreshVerdict(t *testing.T) {
	var v verdicts
	limit := StaleAfter(2*time.Second, 0, time.Second)
	if r, _, fresh := v.current(check.Health, t0, limit); fresh || r.State != check.Unknown || r.Reason != "no verdict yet: the first check has not finished" {
		t.Errorf("before any check: %s %q fresh %v", r.State, r.Reason, fresh)
	}
	clock := newFakeClock()
	v.record(run(clock, &fakeSource{clock: clock, number: 1}, &fakeSource{clock: clock, number: 1}), t0)
	for _, m := range modes {
		if r, _, fresh := v.current(m, t0.Add(limit), limit); !fresh || r.State != check.Healthy {
			t.Errorf("%s at the limit: %s fresh %v, want the healthy verdict", m, r.State, fresh)
		}
	}
	for _, c := range []struct {
		age  time.Duration
		want string
	}{
		{limit + time.Millisecond, "no fresh verdict: last check finished 5.001s ago"},
		{limit + 1400*time.Millisecond, "no fresh verdict: last check finished 6s ago"},
		{limit + 1, "no fresh verdict: last check finished 5.000000001s ago"},
		{9 * time.Second, "no fresh verdict: last check finished 9s ago"},
		{125*time.Second + 300*time.Millisecond, "no fresh verdict: last check finished 2m5s ago"},
	} {
		r, _, fresh := v.current(check.Ready, t0.Add(c.age), limit)
		if fresh || r.State != check.Unknown || r.State.HTTPStatus() != 503 || r.Reason != c.want || r.Mode != check.Ready {
			t.Errorf("%s old: %s %q fresh %v, want unknown (503) %q", c.age, r.State, r.Reason, fresh, c.want)
		}
		if !r.Start.Equal(t0) {
			t.Errorf("%s old: start %s, want the stale check's %s", c.age, r.Start, t0)
		}
	}
}

// rollupBoostRole is a part judged in health and ready, as rollup-boost's /healthz is.
var rollupBoostRole = check.Role{Name: "rollup-boost", Title: "rollup-boost", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready}}

// fakePart sees a fixed answer; its sighting fails when down.
type fakePart struct{ down bool }

func (p fakePart) Role() check.Role { return rollupBoostRole }
func (p fakePart) Observe(context.Context, check.Clock, check.Config, *check.Heads) check.Sighting {
	return fakeSighting(p)
}

type fakeSighting struct{ down bool }

func (s fakeSighting) Judge(check.Mode, check.Config, *check.Result) check.Finding {
	if s.down {
		return check.Finding{Role: rollupBoostRole, Cause: check.CauseUnreachable, Reason: "/healthz 503"}
	}
	return check.Finding{Role: rollupBoostRole, Reason: "/healthz 200"}
}

// A part judged in ready (rollup-boost's /healthz) counts in serve's ready as in `headprobe
// ready`: its sighting from the health check is judged again; live leaves it out.
func TestDerive_JudgesThePartsSightingsAgain(t *testing.T) {
	clock := newFakeClock()
	targets := []check.Target{{Role: l2Role, URL: "http://l2", Source: &fakeSource{clock: clock, number: 1}}}
	health := check.Run(context.Background(), clock, check.Health, cfg, targets, nil, fakePart{down: true})
	ready, live := Derive(health, check.Ready), Derive(health, check.Live)
	if health.State != check.Unavailable || ready.State != check.Unavailable || live.State != check.Healthy {
		t.Errorf("rollup-boost down: health %s, ready %s (%q), live %s; want unavailable, unavailable, healthy", health.State, ready.State, ready.Reason, live.State)
	}
	if len(ready.Parts) != 1 || len(live.Parts) != 0 {
		t.Errorf("ready has %d parts, live %d; want rollup-boost's finding in ready only", len(ready.Parts), len(live.Parts))
	}
}
