package rollupboost

import "github.com/headprobe/headprobe/check"

// Role is rollup-boost's own verdict (/healthz) and execution mode: op-node's Engine API
// calls go through it, so a rollup-boost that does not answer means no blocks. health and ready
// judge it (ready only its unavailability: a 206 is about the builder, which ready ignores); live
// does not, as restarting the L2 mends no rollup-boost.
var Role = check.Role{Name: "rollup-boost", Title: "rollup-boost", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready},
	BuilderCauses: []check.Cause{CausePartial}}
