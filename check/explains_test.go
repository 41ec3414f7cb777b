package check

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCause_Explains: a leader that does not sequence explains the heads that stop with it and
// rollup-boost's failure; nothing explains itself, and the other causes explain nothing.
func TestCause_Explains(t *testing.T) {
	for _, tc := range []struct {
		c, other Cause
		want     bool
	}{
		{CauseLeaderNotSequencing, CauseStale, true},
		{CauseLeaderNotSequencing, CauseStuck, true},
		{CauseLeaderNotSequencing, CauseStuckAcrossRuns, true},
		{CauseLeaderNotSequencing, CauseBehind, true},
		{CauseLeaderNotSequencing, CauseSafeStale, true},
		{CauseLeaderNotSequencing, CauseRollupBoostUnavailable, true},
		{CauseLeaderNotSequencing, CauseUnreachable, false},
		{CauseLeaderNotSequencing, CauseWrongChain, false},
		{CauseLeaderNotSequencing, CauseLeaderNotSequencing, false},
		{CauseStale, CauseLeaderNotSequencing, false},
		{CauseTwoSequencers, CauseStale, false},
		{CauseConductorPaused, CauseStale, false},
		{"", CauseStale, false},
	} {
		if got := tc.c.Explains(tc.other); got != tc.want {
			t.Errorf("%q.Explains(%q) = %v, want %v", tc.c, tc.other, got, tc.want)
		}
	}
}

// TestReason_LeadsWithTheCauseThatExplainsTheOthers (issue #18): when several fail, the first line
// leads with the failure that explains the others (op-conductor's deadlock: it leads while op-node
// does not sequence, so every head is stale), then the rest in role order; with none explaining
// another, role order alone.
func TestReason_LeadsWithTheCauseThatExplainsTheOthers(t *testing.T) {
	leader := Role{Name: "leader", Title: "leader", Failure: Partial, Modes: []Mode{Health}}
	boost := Role{Name: "boost", Title: "boost", Failure: Unavailable, Modes: []Mode{Health, Ready}}
	at := func(role Role, age time.Duration) Endpoint {
		h := head(10, age)
		return Endpoint{Role: role, Observation: Observation{First: &h, Last: &h, Samples: 1, Age: age}}
	}
	part := func(role Role, cause Cause, failure State) Sighting {
		return fakeSighting{part: fakePart{role: role, cause: cause, failure: failure}}
	}
	for _, tc := range []struct {
		name      string
		seen      []Endpoint
		sightings []Sighting
		state     State
		causes    []Cause // of the first line's clauses, in order
	}{
		{"leader not sequencing, heads stale: it leads",
			[]Endpoint{at(l2Role, stale), at(opNodeRole, stale)},
			[]Sighting{part(leader, CauseLeaderNotSequencing, Unavailable)},
			Unavailable, []Cause{CauseLeaderNotSequencing, CauseStale, CauseStale}},
		{"and rollup-boost failing with the L2: it still leads",
			[]Endpoint{at(l2Role, stale), at(builderRole, stale)},
			[]Sighting{part(boost, CauseRollupBoostUnavailable, Unavailable), part(leader, CauseLeaderNotSequencing, Unavailable)},
			Unavailable, []Cause{CauseLeaderNotSequencing, CauseStale, CauseStale, CauseRollupBoostUnavailable}},
		{"leader not sequencing alone",
			[]Endpoint{at(l2Role, time.Second)},
			[]Sighting{part(leader, CauseLeaderNotSequencing, Unavailable)},
			Unavailable, []Cause{CauseLeaderNotSequencing}},
		{"two sequencers beside a stale L2: role order",
			[]Endpoint{at(l2Role, stale)},
			[]Sighting{part(leader, CauseTwoSequencers, Unavailable)},
			Unavailable, []Cause{CauseStale, CauseTwoSequencers}},
		{"a paused conductor beside a stale L2: role order",
			[]Endpoint{at(l2Role, stale)},
			[]Sighting{part(leader, CauseConductorPaused, Partial)},
			Unavailable, []Cause{CauseStale, CauseConductorPaused}},
		{"nothing fails",
			[]Endpoint{at(l2Role, time.Second)},
			[]Sighting{part(leader, "", Healthy)},
			Healthy, []Cause{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Judge(Health, oneShot, tc.seen, nil, tc.sightings...)
			_, clauses := r.clauses()
			var got []Cause
			var names []string
			for _, c := range clauses {
				got = append(got, c.cause)
				names = append(names, c.name+" ")
			}
			if r.State != tc.state || !slices.Equal(got, tc.causes) {
				t.Errorf("state %s causes %q, want %s %q (%s)", r.State, got, tc.state, tc.causes, r.Reason)
			}
			if len(names) > 0 && !strings.HasPrefix(r.Reason, names[0]) {
				t.Errorf("reason %q does not lead with %q", r.Reason, names[0])
			}
		})
	}
}
