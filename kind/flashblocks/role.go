package flashblocks

import "github.com/headprobe/headprobe/check"

// Role is the builder's stream of flashblocks (op-rbuilder's, republished by rollup-boost on
// port 1112): if it fails, blocks are still built. Only health judges it.
var Role = check.Role{Name: "flashblocks", Title: "flashblocks", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true}
