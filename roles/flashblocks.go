package roles

import "github.com/headprobe/headprobe/check"

// Flashblocks is the builder's stream of flashblocks (op-rbuilder's, republished by rollup-boost on
// port 1112): if it fails, blocks are still built. Only health judges it.
var Flashblocks = check.Role{Name: "flashblocks", Title: "flashblocks", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true}
