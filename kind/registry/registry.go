// Package registry lists headprobe's endpoint kinds: adding a kind is its package and one line
// here. The order is the one in which kinds are configured (their warnings and errors come in
// it, and a kind sees what those before it planned); the judging order is each source's and
// part's declared rank.
package registry

import (
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/kind/builderblocks"
	"github.com/headprobe/headprobe/kind/conductor"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/flashblocks"
	"github.com/headprobe/headprobe/kind/opnode"
	"github.com/headprobe/headprobe/kind/rollupboost"
)

// Kinds are the endpoint kinds, in the order they are configured.
var Kinds = []kind.Kind{
	execution.Kind,     // the L2 (required) and the builder
	flashblocks.Kind,   // the builder's flashblocks stream
	builderblocks.Kind, // the builder's blocks landing on the L2
	rollupboost.Kind,   // rollup-boost's /healthz and execution mode
	opnode.Kind,        // op-node's sync status, safe head and peers
	conductor.Kind,     // op-conductor (after op-node, whose admin API it asks)
}
