package main

import (
	"context"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
)

// forked is the walk's fork case: a second builder on the L2's genesis that seals blocks of its
// own, so that its blocks are not the L2's at the same height. It is closed after the walk, so
// that --keep leaves the builder that follows the L2.
type forked struct {
	ctx    context.Context
	net    *devnet.Net
	period time.Duration
	node   *devnet.Node
}

// start starts the forked builder and waits for its first block: at the genesis the two chains
// still agree.
func (f *forked) start() error {
	n, err := devnet.StartNode(devnet.NodeConfig{Name: "forked builder", Follow: f.net.L2, Diverged: true,
		Period: f.period, JWTSecretFile: f.net.JWTSecretFile})
	if err != nil {
		return err
	}
	f.node = n
	return waitForBlock(f.ctx, n)
}

// close stops the forked builder, if started; calling it again is a no-op.
func (f *forked) close() {
	if f.node != nil {
		f.node.Close()
		f.node = nil
	}
}
