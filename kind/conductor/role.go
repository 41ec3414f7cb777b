package conductor

import "github.com/headprobe/headprobe/check"

// Role is op-conductor's view of the HA cluster: this node's role, whether it is paused or
// stopped and its own health verdict. Unreachable, it fails Partial (failover is off, blocks are
// still built); a leader that does not sequence, or a second sequencer, is Unavailable. Only
// health judges it: readiness and liveness must not take part in a failover.
var Role = check.Role{Name: "conductor", Title: "op-conductor", Failure: check.Partial, Modes: []check.Mode{check.Health}, NotFedBack: true,
	Explains: map[check.Cause][]check.Cause{CauseLeaderNotSequencing: explainedByNoSequencing}}

// explainedByNoSequencing are the causes a leader that does not sequence explains: no blocks are
// built, so every head goes stale and stops, the builder's and op-node's with the L2's, the safe
// head follows, and rollup-boost, which judges the L2, fails with it. op-node's and rollup-boost's
// causes are named by their stable values, as one kind imports no other (the registry's test
// checks that each is a cause some kind declares).
var explainedByNoSequencing = []check.Cause{check.CauseStale, check.CauseStuck, check.CauseStuckAcrossRuns, check.CauseBehind,
	"safe_stale", "rollup_boost_unavailable", "rollup_boost_partial"}
