package devnet

import "time"

// Stall stops the periodic sealing loop, or a follower's import of its leader's blocks; the node
// keeps answering RPC, with a head that falls behind.
func (n *Node) Stall() {
	n.ctl.Lock()
	defer n.ctl.Unlock()
	n.stalled = true
	n.setStalled(true)
	n.stopLoopLocked()
}

// Resume restarts the periodic sealing loop (a no-op if Period is 0), or makes a follower import
// the leader's blocks it missed and follow again; it takes effect at Restart if the node is stopped.
func (n *Node) Resume() {
	n.ctl.Lock()
	defer n.ctl.Unlock()
	n.stalled = false
	n.setStalled(false)
	if n.following() {
		_ = n.catchUp() // a stopped node catches up at Restart
	}
	n.startLoopLocked()
}

// startLoopLocked starts the sealing loop if the node is running, periodic,
// not stalled, not following and not already looping; the caller holds ctl.
func (n *Node) startLoopLocked() {
	if n.cfg.Period <= 0 || n.stalled || n.loopStop != nil || n.following() {
		return
	}
	n.mu.Lock()
	running := n.run != nil
	n.mu.Unlock()
	if !running {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	n.loopStop, n.loopDone = stop, done
	go n.sealLoop(n.cfg.Period, stop, done)
}

// stopLoopLocked stops the sealing loop and waits for it to exit; the caller
// holds ctl but not mu.
func (n *Node) stopLoopLocked() {
	if n.loopStop == nil {
		return
	}
	close(n.loopStop)
	<-n.loopDone
	n.loopStop, n.loopDone = nil, nil
}

// sealLoop seals a block every period until stop is closed. Block
// timestamps are whole seconds and must increase, so with a period under one
// second the head's timestamp runs ahead of the wall clock by about one second
// per extra block.
func (n *Node) sealLoop(period time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			select {
			case <-stop:
				return
			default:
			}
			_ = n.Seal() // a failed seal is retried on the next tick
		}
	}
}
