package opstack

import (
	"context"
	"fmt"
	"time"
)

// Failover is one measured handover: which part of the leader was frozen, who leads after, and
// the time from the freeze to the new leader's first block.
type Failover struct {
	Old, New *Sequencer
	Took     time.Duration
}

// MeasureFailover freezes part(leader) (its builder's EL, its own op-geth…), waits for another
// sequencer to lead and sequence, then for that sequencer's first block, within bound. The part
// stays frozen: the caller thaws it (Thaw) when it has checked what it wants.
func (d *Devnet) MeasureFailover(ctx context.Context, part func(*Sequencer) *Proc, bound time.Duration) (Failover, error) {
	old := d.Leader(ctx)
	if old == nil {
		return Failover{}, fmt.Errorf("opstack: no leader to fail over from")
	}
	frozeAt := time.Now()
	if err := part(old).Freeze(); err != nil {
		return Failover{Old: old}, err
	}
	var leader *Sequencer
	var from uint64
	err := waitFor(ctx, "leadership moves from "+old.Name, bound, func(ctx context.Context) (bool, error) {
		l := d.Leader(ctx)
		if l == nil || l == old {
			return false, nil
		}
		if active, err := l.Node.SequencerActive(ctx); err != nil || !active {
			return false, nil
		}
		n, _, err := l.EL.Head(ctx)
		leader, from = l, n
		return err == nil, nil
	})
	if err != nil {
		return Failover{Old: old}, err
	}
	left := bound - time.Since(frozeAt)
	if err := waitFor(ctx, leader.Name+" builds a block as leader", max(left, 10*time.Second), func(ctx context.Context) (bool, error) {
		n, _, err := leader.EL.Head(ctx)
		return err == nil && n > from, nil
	}); err != nil {
		return Failover{Old: old, New: leader}, err
	}
	return Failover{Old: old, New: leader, Took: time.Since(frozeAt)}, nil
}
