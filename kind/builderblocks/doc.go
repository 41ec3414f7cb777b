// Package builderblocks judges whether the external builder's blocks land on the L2's chain: it
// reads the L2's most recent blocks with their transactions and counts those that carry
// op-rbuilder's builder transaction, a transaction from the builder's signing key
// (--rollup.builder-secret-key), or a call to its flashblocks number contract. A builder can be
// fresh and synced while rollup-boost uses none of its payloads (late, invalid, under the
// gas_used selection policy, dry_run); its head age cannot tell, its blocks on chain can.
package builderblocks

import "github.com/headprobe/headprobe/check"

// Role is the builder's blocks on the L2's chain: if too few land, blocks are still built, by the
// L2 itself. Only health judges it: ready ignores what is only partial, live asks for a head.
var Role = check.Role{Name: "builder-blocks", Title: "builder's blocks", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true}

// CauseMissing: fewer than --min-builder-blocks of the L2's last --builder-blocks blocks carry
// the builder's transaction.
const CauseMissing check.Cause = "builder_blocks_missing"

// The defaults of --builder-blocks and --min-builder-blocks, and the largest window: geth answers
// at most 1000 calls in one batch (--rpc.batch-request-limit).
const (
	DefaultWindow = 10
	DefaultMin    = 1
	MaxWindow     = 1000
)
