package check

import (
	"context"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// hashSource is a fakeSource that also answers HashAt from the canonical fork.
type hashSource struct {
	*fakeSource
	err error
}

func (s hashSource) HashAt(_ context.Context, n uint64) (common.Hash, error) {
	return hash(n, 0), s.err
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
		{"OneAhead_IsFine", u64(0), 100, 101, []Cause{"", ""}, -1},
		{"NoMax_LagShownNotJudged", nil, 1100, 100, []Cause{"", ""}, 1000},
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
	for _, tc := range []struct {
		name    string
		builder step
		hashErr error
		causes  []Cause
		fork    bool // a comparison was made
	}{
		{"OlderBlockOnAnotherFork_IsForked", forked, nil, []Cause{"", CauseForked}, true},
		{"OlderBlockOnTheL2s_IsFine", fresh(100), nil, []Cause{"", ""}, true},
		{"L2BlockNotFetched_IsNotJudged", forked, errors.New("boom"), []Cause{"", ""}, true},
		{"BuilderAhead_NothingToCompare", fresh(200), nil, []Cause{"", ""}, false},
		{"BuilderDown_NoComparison", fails("refused"), nil, []Cause{"", CauseUnreachable}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Run(t.Context(), newClock(), Health, oneShot, []Target{
				{Role: l2Role, Source: hashSource{script(fresh(105)), tc.hashErr}}, {Role: builderRole, Source: script(tc.builder)},
			}, rels)
			assertCauses(t, r, tc.causes)
			if f := r.Endpoint("builder").Fork; (f != nil) != tc.fork || (f != nil && (f.Err != nil) != (tc.hashErr != nil)) {
				t.Errorf("fork %+v, want a comparison %v", f, tc.fork)
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
