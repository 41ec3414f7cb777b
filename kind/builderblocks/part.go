package builderblocks

import (
	"context"
	"sync"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Options configure the part.
type Options struct {
	// Marks find the builder's transaction (--builder-signer, --builder-contract).
	Marks Marks
	// Window is how many of the L2's last blocks are read (--builder-blocks); Min how many of them
	// must carry the builder's transaction (--min-builder-blocks; 0 shows the count, never fails).
	Window, Min uint64
	// Against is the role whose head the window ends at (the L2).
	Against check.Role
}

// Part is the builder's blocks as a check.Part. It reads the window through the L2's own client
// (one batch after the L2's first head of the run, on the connection that head came on) and
// remembers, from one check to the next (watch, serve), the newest block it saw carry the builder's
// transaction, to name it once it has left the window.
type Part struct {
	opts   Options
	client Batcher

	mu   sync.Mutex
	last *Block
}

// New is the part reading the L2 through client, which it shares and does not close.
func New(client Batcher, opts Options) *Part { return &Part{opts: opts, client: client} }

// Role is Role.
func (p *Part) Role() check.Role { return Role }

// Observe waits for the L2's first head of the run (or the end of its observation without one),
// then reads the window ending at it in one batch, within the run's bound.
func (p *Part) Observe(ctx context.Context, clock check.Clock, _ check.Config, heads *check.Heads) check.Sighting {
	s := &sighting{opts: p.opts}
	head, ok := firstHead(ctx, heads, p.opts.Against.Name)
	if !ok {
		s.noHead = true
		return s
	}
	cnt, err := Fetch(ctx, p.client, head.Number, p.opts.Window, p.opts.Marks)
	now := clock.Now()
	s.err, s.count = err, cnt
	p.mu.Lock()
	if err == nil && cnt.Last != nil && (p.last == nil || cnt.Last.Number >= p.last.Number) {
		last := *cnt.Last
		p.last = &last
	}
	if p.last != nil {
		last := *p.last
		s.last = &last
		s.lastAge = age(last.Timestamp, now)
	}
	p.mu.Unlock()
	return s
}

// firstHead is the first head of the role in the run; false when its observation ended without
// one, or ctx ended first.
func firstHead(ctx context.Context, heads *check.Heads, role string) (check.Head, bool) {
	for {
		changed := heads.Changed()
		if h, ok := heads.Latest(role); ok {
			return h, true
		}
		if heads.Ended(role) {
			return check.Head{}, false
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return check.Head{}, false
		}
	}
}

// age is rollup-boost's: now minus the timestamp in whole seconds, 0 for a future one.
func age(timestamp uint64, now time.Time) time.Duration {
	n := now.Unix()
	if n <= 0 || timestamp >= uint64(n) {
		return 0
	}
	return time.Duration(uint64(n)-timestamp) * time.Second
}

// Options are what the part was configured with.
func (p *Part) Options() Options { return p.opts }
