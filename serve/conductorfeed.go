package serve

import (
	"slices"

	"github.com/headprobe/headprobe/check"
)

// The scopes of what headprobe feeds op-conductor (serve's /conductor/healthz, --conductor-scope).
const (
	// FeedBuilder feeds only the builder's side: the builder endpoint (unreachable, wrong chain,
	// clock skew, stale, stuck, behind, ahead, forked), its flashblocks stream, its blocks landing
	// (builder_blocks_missing), and rollup-boost's own 206
	// (its builder is not building). op-conductor judges the rest itself: op-node's unsafe head
	// (--healthcheck.unsafe-interval, which also catches an L2 or a rollup-boost that stopped the
	// blocks), its safe head and its peers.
	FeedBuilder = "builder"
	// FeedAll feeds the whole health verdict but op-conductor's own findings.
	FeedAll = "all"
)

// FeedScopes are the scopes, the default first.
var FeedScopes = []string{FeedBuilder, FeedAll}

// ConductorFeedOf is which failures scope feeds op-conductor; nil for an unknown scope. Never the
// findings of a role NotFedBack (op-conductor's own: unreachable, leader not sequencing, two
// sequencers): a health source that reports the conductor's state back to it makes a loop, and a
// new leader is not sequencing yet for a moment at every handover.
func ConductorFeedOf(scope string) func(check.Role, check.Cause) bool {
	switch scope {
	case FeedBuilder:
		return builderSide
	case FeedAll:
		return func(role check.Role, _ check.Cause) bool { return !role.NotFedBack }
	}
	return nil
}

// builderSide reports whether a failure is the builder's: a role marked BuilderSide (the builder
// endpoint, its flashblocks stream, its blocks landing), whatever the cause, and a cause a role
// names among its BuilderCauses (rollup-boost's 206). rollup-boost's other findings are not: its
// 503 or silence stops the blocks, which op-conductor sees in op-node's unsafe head, and an
// unreadable execution mode is a gap in headprobe's view, not a builder that fails.
func builderSide(role check.Role, cause check.Cause) bool {
	return role.BuilderSide || slices.Contains(role.BuilderCauses, cause)
}
