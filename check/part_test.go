package check

import (
	"context"
	"testing"
	"time"
)

// fakePart is a part whose sighting is scripted: it fails with cause (none when ""), giving
// failure, and waives the endpoint named waive when set.
type fakePart struct {
	role    Role
	cause   Cause
	failure State
	waive   string
	// waitFor, when set, makes Observe wait for a head of that role and record its number.
	waitFor string
}

type fakeSighting struct {
	part fakePart
	seen *Head
}

func (p fakePart) Role() Role { return p.role }

func (p fakePart) Observe(ctx context.Context, _ Clock, _ Config, heads *Heads) Sighting {
	s := fakeSighting{part: p}
	for p.waitFor != "" {
		changed := heads.Changed()
		if h, ok := heads.Latest(p.waitFor); ok {
			s.seen = &h
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return s
		}
	}
	return s
}

func (s fakeSighting) Judge(_ Mode, _ Config, r *Result) Finding {
	if e := r.Endpoint(s.part.waive); e != nil {
		e.Waived = "waived by the test"
	}
	f := Finding{Role: s.part.role, Cause: s.part.cause, Failure: s.part.failure, Reason: "saw nothing wrong"}
	if f.Cause != "" {
		f.Reason = "failed as scripted"
	}
	return f
}

var (
	partialPart = Role{Name: "extra", Title: "extra", Failure: Partial, Modes: []Mode{Health}}
	readyPart   = Role{Name: "gate", Title: "gate", Failure: Unavailable, Modes: []Mode{Health, Ready}}
)

func TestJudge_Parts(t *testing.T) {
	const causePart Cause = "part_failed"
	healthyL2, staleBuilder := Target{Role: l2Role, Source: script(fresh(100))}, Target{Role: builderRole, Source: script(at(90, stale))}
	for _, tc := range []struct {
		name       string
		mode       Mode
		builder    *Target
		parts      []Part
		want       State
		wantParts  []Cause // the findings kept, in order
		wantWaived bool
	}{
		{"a passing part", Health, nil, []Part{fakePart{role: partialPart}}, Healthy, []Cause{""}, false},
		{"a failing Partial part", Health, nil, []Part{fakePart{role: partialPart, cause: causePart}}, Partial, []Cause{causePart}, false},
		{"a Partial role's finding that is Unavailable", Health, nil, []Part{fakePart{role: partialPart, cause: causePart, failure: Unavailable}}, Unavailable, []Cause{causePart}, false},
		{"an Unavailable part beats a Partial builder", Health, &staleBuilder, []Part{fakePart{role: readyPart, cause: causePart}}, Unavailable, []Cause{causePart}, false},
		{"a part the mode does not judge is left out", Ready, nil, []Part{fakePart{role: partialPart, cause: causePart}, fakePart{role: readyPart}}, Healthy, []Cause{""}, false},
		{"a waived builder does not count", Health, &staleBuilder, []Part{fakePart{role: partialPart, waive: "builder"}}, Healthy, []Cause{""}, true},
		{"an unwaived stale builder counts", Health, &staleBuilder, []Part{fakePart{role: partialPart}}, Partial, []Cause{""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			targets := []Target{healthyL2}
			if tc.builder != nil {
				targets = append(targets, *tc.builder)
			}
			r := Run(context.Background(), newClock(), tc.mode, oneShot, targets, pairRelations, tc.parts...)
			if r.State != tc.want {
				t.Errorf("state %s, want %s (%s)", r.State, tc.want, r.Reason)
			}
			var got []Cause
			for _, f := range r.Parts {
				got = append(got, f.Cause)
			}
			if len(got) != len(tc.wantParts) {
				t.Fatalf("findings %q, want %q", got, tc.wantParts)
			}
			for i := range got {
				if got[i] != tc.wantParts[i] {
					t.Errorf("finding %d cause %q, want %q", i, got[i], tc.wantParts[i])
				}
			}
			if b := r.Endpoint("builder"); b != nil {
				if waived := b.Waived != ""; waived != tc.wantWaived {
					t.Errorf("builder waived %v, want %v", waived, tc.wantWaived)
				}
				if tc.wantWaived && b.OK {
					t.Errorf("a waived builder must still be judged (stale), got ok")
				}
			}
		})
	}
}

func TestRun_PartSeesTheHeadsAsTheyArrive(t *testing.T) {
	clock := newClock()
	var sightings []Sighting
	part := fakePart{role: partialPart, waitFor: "l2"}
	r := Run(context.Background(), clock, Health, windowed, []Target{{Role: l2Role, Source: script(climbing(100, 5)...)}}, nil, recordingPart{part, &sightings})
	if r.State != Healthy {
		t.Fatalf("state %s: %s", r.State, r.Reason)
	}
	if len(sightings) != 1 || sightings[0].(fakeSighting).seen == nil {
		t.Fatalf("the part never saw the L2's head: %+v", sightings)
	}
	if n := sightings[0].(fakeSighting).seen.Number; n < 100 {
		t.Errorf("the part saw head #%d, want one of the L2's (#100 on)", n)
	}
}

func TestRun_PartWaitingForAHeadEndsWithTheRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// No target has the role the part waits for: only the run's context ends the wait.
	part := fakePart{role: partialPart, waitFor: "absent"}
	r := Run(ctx, newClock(), Health, oneShot, []Target{{Role: l2Role, Source: script(fresh(1))}}, nil, part)
	if len(r.Parts) != 1 {
		t.Fatalf("%d findings, want 1", len(r.Parts))
	}
}

// recordingPart is a part that keeps its sightings.
type recordingPart struct {
	fakePart
	into *[]Sighting
}

func (p recordingPart) Observe(ctx context.Context, clock Clock, cfg Config, heads *Heads) Sighting {
	s := p.fakePart.Observe(ctx, clock, cfg, heads)
	*p.into = append(*p.into, s)
	return s
}

func TestJudge_RoleCriteria(t *testing.T) {
	const causeExtra Cause = "extra_failed"
	failsWhenAbove := func(limit uint64, failure State, modes ...Mode) Criterion {
		return Criterion{Failure: failure, Modes: modes, Check: func(_ Config, o Observation) (Cause, string) {
			if o.Last.Number > limit {
				return causeExtra, "above the limit"
			}
			return "", ""
		}}
	}
	for _, tc := range []struct {
		name      string
		criteria  []Criterion
		mode      Mode
		head      step
		want      State
		wantCause Cause
	}{
		{"passes", []Criterion{failsWhenAbove(200, Partial)}, Health, fresh(100), Healthy, ""},
		{"fails with its own state", []Criterion{failsWhenAbove(50, Partial)}, Health, fresh(100), Partial, causeExtra},
		{"fails with the role's state", []Criterion{failsWhenAbove(50, Healthy)}, Health, fresh(100), Unavailable, causeExtra},
		{"not made in a mode it does not name", []Criterion{failsWhenAbove(50, Partial, Health)}, Ready, fresh(100), Healthy, ""},
		{"the common criteria come first", []Criterion{failsWhenAbove(50, Partial)}, Health, at(100, stale), Unavailable, CauseStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			role := l2Role
			role.Criteria = tc.criteria
			r := Run(context.Background(), newClock(), tc.mode, oneShot, []Target{{Role: role, Source: script(tc.head)}}, nil)
			if r.State != tc.want {
				t.Errorf("state %s, want %s (%s)", r.State, tc.want, r.Reason)
			}
			if c := r.Endpoints[0].Cause; c != tc.wantCause {
				t.Errorf("cause %q, want %q", c, tc.wantCause)
			}
		})
	}
}

func TestHeads_ChangedWakesWaiters(t *testing.T) {
	h := NewHeads()
	changed := h.Changed()
	if _, ok := h.Latest("l2"); ok {
		t.Fatal("an empty Heads has a head")
	}
	h.Set("l2", Head{Number: 7})
	select {
	case <-changed:
	default:
		t.Fatal("Changed not closed by Set")
	}
	if got, ok := h.Latest("l2"); !ok || got.Number != 7 {
		t.Errorf("Latest = %d, %v; want 7, true", got.Number, ok)
	}
	select {
	case <-h.Changed():
		t.Fatal("a fresh Changed is already closed")
	default:
	}
}

// A part waiting for the L2's head learns that none will come as soon as the L2's observation
// fails, not at the run's deadline.
func TestRun_PartWaitingForAHeadLearnsTheObservationEnded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ended := make(chan bool, 1)
	part := endWatcher{role: partialPart, ended: ended}
	start := time.Now()
	Run(ctx, newClock(), Health, oneShot, []Target{{Role: l2Role, Source: script(fails("connection refused"))}}, nil, part)
	if !<-ended {
		t.Fatal("the part was never told the L2's observation ended")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the part waited %s, as if for the run's deadline", d)
	}
}

// endWatcher waits for a head of the L2 or the end of its observation, and reports which.
type endWatcher struct {
	role  Role
	ended chan bool
}

func (p endWatcher) Role() Role { return p.role }

func (p endWatcher) Observe(ctx context.Context, _ Clock, _ Config, heads *Heads) Sighting {
	for {
		changed := heads.Changed()
		if _, ok := heads.Latest(l2Role.Name); ok || heads.Ended(l2Role.Name) {
			p.ended <- !ok
			return fakeSighting{part: fakePart{role: p.role}}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			p.ended <- false
			return fakeSighting{part: fakePart{role: p.role}}
		}
	}
}
