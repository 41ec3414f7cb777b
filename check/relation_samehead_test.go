package check

import (
	"errors"
	"testing"
)

// opNodeRole is op-node as package roles defines it, with a further criterion of its own that
// fails Partial whatever the head (the safe head's, say), to show which check comes first.
var opNodeRole = Role{Name: "op-node", Title: "op-node", Failure: Unavailable, Modes: []Mode{Health, Ready}}

func TestSameUnsafeHead_DivergedIsUnavailable_WithBothHashes(t *testing.T) {
	other := step{head: Head{Number: 100, Hash: hash(100, 1), Timestamp: head(100, 0).Timestamp}}
	otherAtTip := step{head: Head{Number: 105, Hash: hash(105, 1), Timestamp: head(105, 0).Timestamp}}
	partialCriterion := Criterion{Failure: Partial, Check: func(Config, Observation) (Cause, string) { return safeStale, "safe head old" }}
	for _, tc := range []struct {
		name     string
		opNode   step
		hashErr  error
		criteria []Criterion
		mode     Mode
		state    State
		cause    Cause
		reason   string
		lag      int64
	}{
		{"OlderBlockOfAnotherChain_IsDiverged", other, nil, nil, Health, Unavailable, diverged,
			"op-node unsafe head #100 " + ShortHash(hash(100, 1)) + " is not the L2's block #100 " + ShortHash(hash(100, 0)), 5},
		{"SameHeightAnotherBlock_IsDiverged", otherAtTip, nil, nil, Ready, Unavailable, diverged,
			"op-node unsafe head #105 " + ShortHash(hash(105, 1)) + " is not the L2's block #105 " + ShortHash(hash(105, 0)), 0},
		{"OlderBlockOfTheL2s_IsFine", fresh(100), nil, nil, Health, Healthy, "", "", 5},
		{"Ahead_NothingToCompare_DistanceShown", fresh(107), nil, nil, Health, Healthy, "", "", -2},
		{"L2BlockNotFetched_IsNotJudged", other, errors.New("boom"), nil, Health, Healthy, "", "", 5},
		{"Stale_ComesFirst", at(100, stale), nil, nil, Health, Unavailable, CauseStale, "", 5},
		{"Diverged_ComesBeforeTheRolesCriteria", other, nil, []Criterion{partialCriterion}, Health, Unavailable, diverged, "", 5},
		{"RolesCriteria_AfterTheRelation", fresh(100), nil, []Criterion{partialCriterion}, Health, Partial, safeStale, "op-node safe head old", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			role := opNodeRole
			role.Criteria = tc.criteria
			rels := []Relation{SameUnsafeHead(role, l2Role, diverged), MaxLag(role, l2Role, nil)}
			r := Run(t.Context(), newClock(), tc.mode, oneShot, []Target{
				{Role: l2Role, Source: hashSource{fakeSource: script(fresh(105)), err: tc.hashErr}}, {Role: role, Source: script(tc.opNode)},
			}, rels)
			if r.State != tc.state || r.Endpoint("op-node").Cause != tc.cause {
				t.Errorf("state %s cause %q (%s), want %s %q", r.State, r.Endpoint("op-node").Cause, r.Reason, tc.state, tc.cause)
			}
			if tc.reason != "" && r.Reason != tc.reason {
				t.Errorf("reason %q, want %q", r.Reason, tc.reason)
			}
			c, ok := r.HeadComparison("op-node")
			if !ok || !c.Lag.Known || c.Lag.Blocks != tc.lag || c.Against.Name != "l2" {
				t.Errorf("comparison %+v %v, want the L2 and a distance of %d", c, ok, tc.lag)
			}
		})
	}
}

// Live judges no op-node, so there is no comparison to show.
func TestSameUnsafeHead_NotMadeWhereOpNodeIsNotJudged(t *testing.T) {
	rels := []Relation{SameUnsafeHead(opNodeRole, l2Role, diverged)}
	r := Run(t.Context(), newClock(), Live, oneShot, []Target{
		{Role: l2Role, Source: hashSource{fakeSource: script(fresh(105))}}, {Role: opNodeRole, Source: script(fails("down"))},
	}, rels)
	if r.State != Healthy || len(r.Endpoints) != 1 {
		t.Errorf("live: %s %q with %d endpoints", r.State, r.Reason, len(r.Endpoints))
	}
	if _, ok := r.HeadComparison("op-node"); ok {
		t.Error("a comparison for an endpoint not judged")
	}
}

// The causes of a consensus client's checks in the tests above, as its kind would declare them.
const (
	diverged  Cause = "diverged"
	safeStale Cause = "safe_stale"
)
