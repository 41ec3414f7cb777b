package registry_test

import (
	"strings"
	"testing"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/conductor"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/flashblocks"
	"github.com/headprobe/headprobe/kind/opnode"
	"github.com/headprobe/headprobe/kind/rollupboost"
	"github.com/headprobe/headprobe/serve"
)

// failing is a health result whose one failure is role's, for cause, with the state failure.
func failing(role check.Role, cause check.Cause, failure check.State, asPart bool) check.Result {
	r := check.Result{Mode: check.Health, State: failure, Reason: role.Name + " failed"}
	r.Endpoints = []check.Endpoint{{Role: execution.L2, OK: true, Failure: check.Unavailable, Reason: "head #10 is 1s old"}}
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
	opNode := opnode.Judged(0, 0)
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
		{execution.Builder, check.CauseUnreachable, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseWrongChain, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseClockSkew, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseStale, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseStuckAcrossRuns, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseStuck, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseBehind, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseForked, check.Partial, false, check.Partial, check.Partial, true},
		{execution.Builder, check.CauseAhead, check.Partial, false, check.Partial, check.Partial, true},
		// any role marked BuilderSide, as builderblocks' role is: its blocks not landing
		{check.Role{Name: "builder-blocks", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true},
			"builder_blocks_missing", check.Partial, true, check.Partial, check.Partial, true},
		// its flashblocks
		{flashblocks.Role, check.CauseUnreachable, check.Partial, true, check.Partial, check.Partial, true},
		{flashblocks.Role, check.CauseStale, check.Partial, true, check.Partial, check.Partial, true},
		{flashblocks.Role, check.CauseBehind, check.Partial, true, check.Partial, check.Partial, true},
		{flashblocks.Role, flashblocks.CauseMalformedFrame, check.Partial, true, check.Partial, check.Partial, true},
		// rollup-boost: its 206 is the builder's; its 503, its silence, its unreadable mode are not
		{rollupboost.Role, rollupboost.CausePartial, check.Partial, true, check.Partial, check.Partial, true},
		{rollupboost.Role, rollupboost.CauseUnavailable, check.Unavailable, true, check.Healthy, check.Unavailable, false},
		{rollupboost.Role, check.CauseUnreachable, check.Unavailable, true, check.Healthy, check.Unavailable, false},
		{rollupboost.Role, check.CauseUnreachable, check.Partial, true, check.Healthy, check.Partial, false},
		// the execution.L2 and op-node: op-conductor's own checks (unsafe head, safe head, peers)
		{execution.L2, check.CauseStale, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{execution.L2, check.CauseUnreachable, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{execution.L2, check.CauseStuck, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{opNode, opnode.CauseDiverged, check.Unavailable, false, check.Healthy, check.Unavailable, false},
		{opNode, opnode.CauseSafeStale, check.Partial, false, check.Healthy, check.Partial, false},
		{opNode, opnode.CauseFewPeers, check.Partial, false, check.Healthy, check.Partial, false},
		// op-conductor's own findings: never fed back to it
		{conductor.Role, check.CauseUnreachable, check.Partial, true, check.Healthy, check.Healthy, false},
		{conductor.Role, conductor.CauseLeaderNotSequencing, check.Unavailable, true, check.Healthy, check.Healthy, false},
		{conductor.Role, conductor.CauseTwoSequencers, check.Unavailable, true, check.Healthy, check.Healthy, false},
	} {
		name := tc.role.Name + "/" + string(tc.cause) + "/" + tc.failure.String()
		r := failing(tc.role, tc.cause, tc.failure, tc.part)
		if tc.role.Name == execution.L2.Name { // the execution.L2 itself failing: no second execution.L2 endpoint
			r.Endpoints = r.Endpoints[1:]
		}
		for scope, want := range map[string]check.State{serve.FeedBuilder: tc.builder, serve.FeedAll: tc.all} {
			state, reason := r.Scoped(serve.ConductorFeedOf(scope))
			if state != want {
				t.Errorf("%s, scope %s: %s, want %s", name, scope, state, want)
			}
			if (state != check.Healthy) != strings.Contains(reason, string(tc.cause)) {
				t.Errorf("%s, scope %s: %s with reason %q", name, scope, state, reason)
			}
		}
		if got := serve.ConductorFeedOf(serve.FeedBuilder)(tc.role, tc.cause); got != tc.fedBuilder {
			t.Errorf("%s: fed in builder scope %v, want %v", name, got, tc.fedBuilder)
		}
	}
}

// A builder whose failure rollup-boost waived (execution mode disabled: it does not use the
// builder) moves no leadership; an Unknown result stays Unknown in every scope; with the execution.L2 and
// the builder both failing, builder feeds the builder's Partial, all the execution.L2's Unavailable.
func TestConductorFeed_WaivedUnknownAndBoth(t *testing.T) {
	waived := failing(execution.Builder, check.CauseStale, check.Partial, false)
	waived.Endpoints[1].Waived = "rollup-boost's execution mode is disabled"
	unknown := check.Result{Mode: check.Health, State: check.Unknown, Reason: "internal error: x"}
	both := failing(execution.Builder, check.CauseStale, check.Partial, false)
	both.Endpoints[0].OK, both.Endpoints[0].Cause = false, check.CauseStale
	for _, tc := range []struct {
		name         string
		r            check.Result
		builder, all check.State
	}{
		{"waived", waived, check.Healthy, check.Healthy},
		{"unknown", unknown, check.Unknown, check.Unknown},
		{"execution.L2 and builder", both, check.Partial, check.Unavailable},
	} {
		for scope, want := range map[string]check.State{serve.FeedBuilder: tc.builder, serve.FeedAll: tc.all} {
			if state, reason := tc.r.Scoped(serve.ConductorFeedOf(scope)); state != want {
				t.Errorf("%s, scope %s: %s (%q), want %s", tc.name, scope, state, reason, want)
			}
		}
	}
	if serve.ConductorFeedOf("everything") != nil || serve.ConductorFeedOf("") != nil {
		t.Error("an unknown scope has a feed")
	}
}
