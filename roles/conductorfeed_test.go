package roles

import (
	"strings"
	"testing"

	"github.com/headprobe/headprobe/check"
)

// failing is a health result whose one failure is role's, for cause, with the state failure.
func failing(role check.Role, cause check.Cause, failure check.State, asPart bool) check.Result {
	r := check.Result{Mode: check.Health, State: failure, Reason: role.Name + " failed"}
	r.Endpoints = []check.Endpoint{{Role: L2, OK: true, Failure: check.Unavailable, Reason: "head #10 is 1s old"}}
	if asPart {
		r.Parts = []check.Finding{{Role: role, Cause: cause, Failure: failure, Reason: "fails with " + string(cause)}}
	} else {
		r.Endpoints = append(r.Endpoints, check.Endpoint{Role: role, Cause: cause, Failure: failure, Reason: "fails with " + string(cause)})
	}
	return r
}

// Which failures each scope feeds op-conductor, and with what state: builder only the builder's
// side (always Partial, so PartialContent), all everything but op-conductor's own findings.
func TestConductorFeed_ScopesOverTypedCauses(t *testing.T) {
	opNode := OpNodeJudged(0, 0)
	for _, tc := range []struct {
		role       check.Role
		cause      check.Cause
		failure    check.State
		part       bool
		builder    check.State
		all        check.State
		fedBuilder bool
	}{
		// the builder endpoint, every cause its criteria and relations give
		{Builder, check.CauseUnreachable, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseWrongChain, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseClockSkew, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseStale, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseStuckAcrossRuns, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseStuck, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseBehind, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseForked, check.Partial, false, check.Partial, check.Partial, true},
		{Builder, check.CauseBuilderAhead, check.Partial, false, check.Partial, check.Partial, true},
		// any role marked BuilderSide, as builderblocks' role is: its blocks not landing
		{check.Role{Name: "builder-blocks", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true},
			"builder_blocks_missing", check.Partial, true, check.Partial, check.Partial, true},
		// its flashblocks
		{Flashblocks, check.CauseUnreachable, check.Partial, true, check.Partial, check.Partial, true},
		{Flashblocks, check.CauseStale, check.Partial, true, check.Partial, check.Partial, true},
		{Flashblocks, check.CauseBehind, check.Partial, true, check.Partial, check.Partial, true},
		{Flashblocks, check.CauseMalformedFrame, check.Partial, true, check.Partial, check.Partial, true},
		// rollup-boost: its 206 is the builder's; its 503, its silence, its unreadable mode are not
		{RollupBoost, check.CauseRollupBoostPartial, check.Partial, true, check.Partial, check.Partial, true},
		{RollupBoost, check.CauseRollupBoostUnavailable, check.Unavailable, true, check.Healthy, check.Unavailable, false},
		{RollupBoost, check.CauseUnreachable, check.Unavailable, true, check.Healthy, check.Unavailable, false},
		{RollupBoost, check.CauseUnreachable, check.Partial, true, check.Healthy, check.Partial, false},
		// the L2 and op-node: op-conductor's own checks (unsafe head, safe head, peers)
		{L2, check.CauseStale, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{L2, check.CauseUnreachable, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{L2, check.CauseStuck, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{opNode, check.CauseDiverged, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{opNode, check.CauseSafeStale, check.Partial, false, check.Healthy, check.Partial, false},
		{opNode, check.CauseFewPeers, check.Partial, false, check.Healthy, check.Partial, false},
		// op-conductor's own findings: never fed back to it
		{Conductor, check.CauseUnreachable, check.Partial, true, check.Healthy, check.Healthy, false},
		{Conductor, check.CauseLeaderNotSequencing, check.Unavailable, true, check.Healthy, check.Healthy, false},
		{Conductor, check.CauseTwoSequencers, check.Unavailable, true, check.Healthy, check.Healthy, false},
	} {
		name := tc.role.Name + "/" + string(tc.cause) + "/" + tc.failure.String()
		r := failing(tc.role, tc.cause, tc.failure, tc.part)
		if tc.role.Name == L2.Name { // the L2 itself failing: no second L2 endpoint
			r.Endpoints = r.Endpoints[1:]
		}
		for scope, want := range map[string]check.State{FeedBuilder: tc.builder, FeedAll: tc.all} {
			state, reason := r.Scoped(ConductorFeed(scope))
			if state != want {
				t.Errorf("%s, scope %s: %s, want %s", name, scope, state, want)
			}
			if (state != check.Healthy) != strings.Contains(reason, string(tc.cause)) {
				t.Errorf("%s, scope %s: %s with reason %q", name, scope, state, reason)
			}
		}
		if got := ConductorFeed(FeedBuilder)(tc.role, tc.cause); got != tc.fedBuilder {
			t.Errorf("%s: fed in builder scope %v, want %v", name, got, tc.fedBuilder)
		}
	}
}

// A builder whose failure rollup-boost waived (execution mode disabled: it does not use the
// builder) moves no leadership; an Unknown result stays Unknown in every scope; with the L2 and
// the builder both failing, builder feeds the builder's Partial, all the L2's Unavailable.
func TestConductorFeed_WaivedUnknownAndBoth(t *testing.T) {
	waived := failing(Builder, check.CauseStale, check.Partial, false)
	waived.Endpoints[1].Waived = "rollup-boost's execution mode is disabled"
	unknown := check.Result{Mode: check.Health, State: check.Unknown, Reason: "internal error: x"}
	both := failing(Builder, check.CauseStale, check.Partial, false)
	both.Endpoints[0].OK, both.Endpoints[0].Cause = false, check.CauseStale
	for _, tc := range []struct {
		name         string
		r            check.Result
		builder, all check.State
	}{
		{"waived", waived, check.Healthy, check.Healthy},
		{"unknown", unknown, check.Unknown, check.Unknown},
		{"L2 and builder", both, check.Partial, check.Unavailable},
	} {
		for scope, want := range map[string]check.State{FeedBuilder: tc.builder, FeedAll: tc.all} {
			if state, reason := tc.r.Scoped(ConductorFeed(scope)); state != want {
				t.Errorf("%s, scope %s: %s (%q), want %s", tc.name, scope, state, reason, want)
			}
		}
	}
	if ConductorFeed("everything") != nil || ConductorFeed("") != nil {
		t.Error("an unknown scope has a feed")
	}
}
