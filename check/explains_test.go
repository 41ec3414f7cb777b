package check

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Causes of parts of the tests below, as a kind would declare them.
const (
	leaderNotSequencing Cause = "leader_not_sequencing"
	twoSequencers       Cause = "two_sequencers"
	paused              Cause = "conductor_paused"
	boostUnavailable    Cause = "rollup_boost_unavailable"
)

// TestReason_LeadsWithTheCauseThatExplainsTheOthers (issue #18): when several fail, the first line
// leads with the failure that explains the others (op-conductor's deadlock: it leads while op-node
// does not sequence, so every head is stale), then the rest in role order; with none explaining
// another, role order alone.
func TestReason_LeadsWithTheCauseThatExplainsTheOthers(t *testing.T) {
	leader := Role{Name: "leader", Title: "leader", Failure: Partial, Modes: []Mode{Health},
		Explains: map[Cause][]Cause{leaderNotSequencing: {CauseStale, CauseStuck, boostUnavailable}}}
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
			[]Sighting{part(leader, leaderNotSequencing, Unavailable)},
			Unavailable, []Cause{leaderNotSequencing, CauseStale, CauseStale}},
		{"and rollup-boost failing with the L2: it still leads",
			[]Endpoint{at(l2Role, stale), at(builderRole, stale)},
			[]Sighting{part(boost, boostUnavailable, Unavailable), part(leader, leaderNotSequencing, Unavailable)},
			Unavailable, []Cause{leaderNotSequencing, CauseStale, CauseStale, boostUnavailable}},
		{"leader not sequencing alone",
			[]Endpoint{at(l2Role, time.Second)},
			[]Sighting{part(leader, leaderNotSequencing, Unavailable)},
			Unavailable, []Cause{leaderNotSequencing}},
		{"two sequencers beside a stale L2: role order",
			[]Endpoint{at(l2Role, stale)},
			[]Sighting{part(leader, twoSequencers, Unavailable)},
			Unavailable, []Cause{CauseStale, twoSequencers}},
		{"a paused conductor beside a stale L2: role order",
			[]Endpoint{at(l2Role, stale)},
			[]Sighting{part(leader, paused, Partial)},
			Unavailable, []Cause{CauseStale, paused}},
		{"a cause the role does not say it explains: role order",
			[]Endpoint{at(l2Role, stale)},
			[]Sighting{part(Role{Name: "leader", Title: "leader", Failure: Partial, Modes: []Mode{Health}}, leaderNotSequencing, Unavailable)},
			Unavailable, []Cause{CauseStale, leaderNotSequencing}},
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
