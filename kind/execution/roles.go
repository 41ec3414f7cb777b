package execution

import (
	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
)

// L2 is the sequencer's execution client: if it fails, no blocks are built.
var L2 = check.Role{Name: kind.L2, Title: "L2", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready, check.Live}}

// Builder is the external block builder behind rollup-boost: if it fails, the L2 still builds
// blocks. Only health judges it.
var Builder = check.Role{Name: kind.Builder, Title: "builder", Failure: check.Partial, Modes: []check.Mode{check.Health}, BuilderSide: true}

// Relations are the builder's checks against the L2, in the order they are made: the chain id,
// the lag (judged with maxLag, shown whatever it is), and, with fork, the fork check.
func Relations(maxLag *uint64, fork bool) []check.Relation {
	out := []check.Relation{check.SameChain(Builder, L2), check.MaxLag(Builder, L2, maxLag)}
	if fork {
		out = append(out, check.SameFork(Builder, L2))
	}
	return out
}
