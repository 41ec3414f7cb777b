package check

import (
	"context"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// hashSource is a fakeSource that also answers HashAt from fork (0: the canonical one).
type hashSource struct {
	*fakeSource
	err  error
	fork byte
}

func (s hashSource) HashAt(_ context.Context, n uint64) (common.Hash, error) {
	return hash(n, s.fork), s.err
}

func u64(n uint64) *uint64 { return &n }

func TestBuilderBehind_BeyondMaxLag_IsPartial(t *testing.T) {
	for _, tc := range []struct {
		name   string
		max    *uint64
		l2, b  uint64
		causes []Cause
		lag    int64
	}{
		{"ThreeBehind_MaxTwo_IsBehind", u64(2), 103, 100, []Cause{"", CauseBehind}, 3},
		{"TwoBehind_MaxTwo_IsFine", u64(2), 102, 100, []Cause{"", ""}, 2},
		{"OneAhead_MaxOne_IsFine", u64(1), 100, 101, []Cause{"", ""}, -1},
		{"OneAhead_MaxZero_IsAhead", u64(0), 100, 101, []Cause{"", CauseAhead}, -1},
		{"ThreeAhead_MaxTwo_IsAhead", u64(2), 100, 103, []Cause{"", CauseAhead}, -3},
		{"FarAhead_MaxFive_IsAhead", u64(5), 922, 99999, []Cause{"", CauseAhead}, 922 - 99999},
		{"NoMax_LagShownNotJudged", nil, 1100, 100, []Cause{"", ""}, 1000},
		{"NoMax_AheadShownNotJudged", nil, 100, 1100, []Cause{"", ""}, -1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rels := []Relation{SameChain(builderRole, l2Role), MaxLag(builderRole, l2Role, tc.max)}
			r := Run(t.Context(), newClock(), Health, oneShot, []Target{
				{Role: l2Role, Source: script(fresh(tc.l2))}, {Role: builderRole, Source: script(fresh(tc.b))},
			}, rels)
			assertCauses(t, r, tc.causes)
			if lags := r.Lags(); len(lags) != 1 || !lags[0].Known || lags[0].Blocks != tc.lag || lags[0].Of.Name != "builder" || lags[0].Against.Name != "l2" {
				t.Errorf("lags %+v, want builder %d behind l2", lags, tc.lag)
			}
		})
	}
}

func TestBuilderOnAFork_IsPartial_AndTheForkIsKept(t *testing.T) {
	forked := step{head: Head{Number: 100, Hash: hash(100, 1), Timestamp: head(100, 0).Timestamp}}
	rels := append(append([]Relation(nil), pairRelations...), SameFork(builderRole, l2Role))
	canonical := func(s step) Source { return hashSource{fakeSource: script(s)} }
	for _, tc := range []struct {
		name    string
		builder Source
		hashErr error
		causes  []Cause
		fork    bool   // a comparison was made
		at      uint64 // its height: the lower of the two heads
		failed  bool   // the block at that height could not be fetched
	}{
		{"OlderBlockOnAnotherFork_IsForked", script(forked), nil, []Cause{"", CauseForked}, true, 100, false},
		{"OlderBlockOnTheL2s_IsFine", script(fresh(100)), nil, []Cause{"", ""}, true, 100, false},
		{"L2BlockNotFetched_IsNotJudged", script(forked), errors.New("boom"), []Cause{"", ""}, true, 100, true},
		{"BuilderAhead_OnTheL2sChain_IsFine", canonical(fresh(200)), nil, []Cause{"", ""}, true, 105, false},
		{"BuilderAhead_OnAnotherFork_IsForked", hashSource{fakeSource: script(fresh(200)), fork: 1}, nil, []Cause{"", CauseForked}, true, 105, false},
		{"BuilderAhead_ItsBlockNotFetched_IsNotJudged", hashSource{fakeSource: script(fresh(200)), fork: 1, err: errors.New("boom")}, nil, []Cause{"", ""}, true, 105, true},
		{"BuilderAhead_CannotFetchOlderBlocks_IsNotJudged", script(fresh(200)), nil, []Cause{"", ""}, true, 105, true},
		{"BuilderDown_NoComparison", script(fails("refused")), nil, []Cause{"", CauseUnreachable}, false, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Run(t.Context(), newClock(), Health, oneShot, []Target{
				{Role: l2Role, Source: hashSource{fakeSource: script(fresh(105)), err: tc.hashErr}}, {Role: builderRole, Source: tc.builder},
			}, rels)
			assertCauses(t, r, tc.causes)
			f := r.Endpoint("builder").Fork
			if (f != nil) != tc.fork || (f != nil && ((f.Err != nil) != tc.failed || f.Number != tc.at)) {
				t.Errorf("fork %+v, want a comparison %v at #%d, failed %v", f, tc.fork, tc.at, tc.failed)
			}
		})
	}
}

// A relation fails only an endpoint that passed its own criteria: the first failure is the one shown.
func TestRelation_KeepsTheFirstFailure(t *testing.T) {
	rels := []Relation{MaxLag(builderRole, l2Role, u64(0))}
	r := Run(t.Context(), newClock(), Health, oneShot, []Target{
		{Role: l2Role, Source: script(fresh(105))}, {Role: builderRole, Source: script(at(100, stale))},
	}, rels)
	assertCauses(t, r, []Cause{"", CauseStale})
}

// TestJudge_UnavailableRolesFirst: the verdict depends on the failing roles' Failure alone, in
// rollup-boost's order, however many roles there are; the reason lists the failing endpoints in
// the order given.
func TestJudge_UnavailableRolesFirst(t *testing.T) {
	opNode := Role{Name: "op-node", Failure: Unavailable, Modes: []Mode{Health, Ready}}
	stream := Role{Name: "flashblocks", Failure: Partial, Modes: []Mode{Health}}
	ok := func(r Role) Endpoint {
		h := head(1, 0)
		return Endpoint{Role: r, Observation: Observation{First: &h, Last: &h, Samples: 1}}
	}
	down := func(r Role) Endpoint { return Endpoint{Role: r, Observation: Observation{Err: errors.New("down")}} }
	for _, tc := range []struct {
		name   string
		seen   []Endpoint
		mode   Mode
		state  State
		causes []Cause
	}{
		{"AllFine", []Endpoint{ok(l2Role), ok(opNode), ok(builderRole), ok(stream)}, Health, Healthy, []Cause{"", "", "", ""}},
		{"PartialRolesFail_IsPartial", []Endpoint{ok(l2Role), ok(opNode), down(builderRole), down(stream)}, Health, Partial,
			[]Cause{"", "", CauseUnreachable, CauseUnreachable}},
		{"SecondUnavailableRoleFails_IsUnavailable", []Endpoint{ok(l2Role), down(opNode), down(builderRole), ok(stream)}, Health, Unavailable,
			[]Cause{"", CauseUnreachable, CauseUnreachable, ""}},
		{"Ready_JudgesOnlyItsRoles", []Endpoint{ok(l2Role), down(opNode), down(builderRole), down(stream)}, Ready, Unavailable,
			[]Cause{"", CauseUnreachable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Judge(tc.mode, oneShot, tc.seen, nil)
			if r.State != tc.state {
				t.Errorf("state %s (%q), want %s", r.State, r.Reason, tc.state)
			}
			assertCauses(t, r, tc.causes)
		})
	}
}
