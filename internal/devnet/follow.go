package devnet

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/core/types"
)

// followState is where a follower stands towards its leader; Node.mu guards it.
type followState struct {
	stalled  bool // not importing the leader's blocks as they come: Stall was called
	diverged bool // sealing blocks of its own: Diverge was called
}

// Diverge makes a follower leave its leader's chain: from now on it seals blocks of its own
// (every Period, or on Seal) on top of its head, so that the two nodes hold different blocks at
// the same height, like a builder on a fork. It is a no-op on a node that follows none.
func (n *Node) Diverge() error {
	if n.cfg.Follow == nil {
		return nil
	}
	n.ctl.Lock()
	defer n.ctl.Unlock()
	n.mu.Lock()
	if !n.follow.diverged && n.run != nil {
		// The beacon takes the time of the last block it sealed as its floor; this one
		// sealed none of the blocks it imported, so a new one starts from the head.
		if err := n.run.renewBeacon(); err != nil {
			n.mu.Unlock()
			return err
		}
	}
	n.follow.diverged = true
	n.mu.Unlock()
	n.startLoopLocked()
	return nil
}

// following reports whether n imports its leader's blocks rather than sealing its own.
func (n *Node) following() bool {
	if n.cfg.Follow == nil {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return !n.follow.diverged
}

// setStalled records whether the leader's blocks are to be imported as they come.
func (n *Node) setStalled(stalled bool) {
	n.mu.Lock()
	n.follow.stalled = stalled
	n.mu.Unlock()
}

// startFollowing registers n with its leader and imports the leader's chain so far.
func (n *Node) startFollowing() error {
	l := n.cfg.Follow
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("devnet %s: follow: %s is closed", n.cfg.Name, l.cfg.Name)
	}
	l.followers = append(l.followers, n)
	if l.run == nil {
		return nil // it catches up at its next Seal, Resume or Restart
	}
	return n.importFrom(l.run, false)
}

// unfollow removes n from its leader's followers.
func (n *Node) unfollow() {
	l := n.cfg.Follow
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.followers = slices.DeleteFunc(l.followers, func(f *Node) bool { return f == n })
}

// catchUp imports the leader's blocks that n lacks; with the leader stopped there is nothing to
// import.
func (n *Node) catchUp() error {
	l := n.cfg.Follow
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.run == nil {
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.run == nil {
			return fmt.Errorf("devnet %s: seal: node is stopped", n.cfg.Name)
		}
		return nil
	}
	return n.importFrom(l.run, false)
}

// pushLocked makes n's followers import the block n just sealed; the caller holds n.mu.
func (n *Node) pushLocked() {
	for _, f := range n.followers {
		_ = f.importFrom(n.run, true) // a follower that failed catches up at its next Seal, Resume or Restart
	}
}

// errNotOnLeaderChain is returned when a follower's head is not a block of its leader's chain.
var errNotOnLeaderChain = errors.New("head is not on the leader's chain")

// importFrom inserts into n's chain the blocks of the leader's canonical chain above n's head.
// The caller holds the leader's mu. An automatic import (as the leader seals) skips a stopped,
// stalled or diverged follower; an explicit one skips only a diverged one.
func (n *Node) importFrom(leader *running, automatic bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.follow.diverged || (automatic && (n.run == nil || n.follow.stalled)):
		return nil
	case n.run == nil:
		return fmt.Errorf("devnet %s: seal: node is stopped", n.cfg.Name)
	}
	src, dst := leader.backend.BlockChain(), n.run.backend.BlockChain()
	head := dst.CurrentBlock()
	if src.GetCanonicalHash(head.Number.Uint64()) != head.Hash() {
		return fmt.Errorf("devnet %s: follow: #%d %s: %w", n.cfg.Name, head.Number.Uint64(), head.Hash(), errNotOnLeaderChain)
	}
	var blocks types.Blocks
	for i := head.Number.Uint64() + 1; i <= src.CurrentBlock().Number.Uint64(); i++ {
		b := src.GetBlockByNumber(i)
		if b == nil {
			return fmt.Errorf("devnet %s: follow: the leader has no block #%d", n.cfg.Name, i)
		}
		blocks = append(blocks, b)
	}
	if _, err := dst.InsertChain(blocks); err != nil {
		return fmt.Errorf("devnet %s: follow: import: %w", n.cfg.Name, err)
	}
	return nil
}
