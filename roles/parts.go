package roles

import "github.com/headprobe/headprobe/check"

// RollupBoost is rollup-boost's own verdict (/healthz) and execution mode: op-node's Engine API
// calls go through it, so a rollup-boost that does not answer means no blocks. health and ready
// judge it (ready only its unavailability: a 206 is about the builder, which ready ignores); live
// does not, as restarting the L2 mends no rollup-boost.
var RollupBoost = check.Role{Name: "rollup-boost", Title: "rollup-boost", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready}}

// Conductor is op-conductor's view of the HA cluster: this node's role, whether it is paused or
// stopped and its own health verdict. Unreachable, it fails Partial (failover is off, blocks are
// still built); a leader that does not sequence, or a second sequencer, is Unavailable. Only
// health judges it: readiness and liveness must not take part in a failover.
var Conductor = check.Role{Name: "conductor", Title: "op-conductor", Failure: check.Partial, Modes: []check.Mode{check.Health}}
