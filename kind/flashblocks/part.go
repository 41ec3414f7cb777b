package flashblocks

import (
	"context"
	"crypto/tls"
	"net/http"
	"sync"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// DefaultMaxGap is --max-flashblock-gap's default: a builder publishes about every 200 ms.
const DefaultMaxGap = time.Second

// Options configure the stream's part.
type Options struct {
	// URL is the stream's ws:// or wss:// address.
	URL string
	// Headers are sent with the handshake; TLS configures wss (nil: the system roots).
	Headers http.Header
	TLS     *tls.Config
	// Timeout bounds the handshake.
	Timeout time.Duration
	// MaxGap is how long the stream may go without a frame (--max-flashblock-gap).
	MaxGap time.Duration
	// Role is the part's role; Against the role whose head the stream must build on (the L2).
	Role, Against check.Role
}

// Part is the flashblocks stream as a check.Part. It keeps its subscription open from one check to
// the next (watch, serve), judging each by the time since the last frame, and subscribes afresh
// after the server closed it. Close ends the subscription.
type Part struct {
	opts Options
	url  string // redacted

	mu sync.Mutex
	s  *stream
	// seq, badSeq and end are where the previous check on s stopped reading: its last frame, its
	// last frame that did not decode, and when.
	seq, badSeq uint64
	end         time.Time
}

// New is the part of the stream opts describe; nothing is dialled yet.
func New(opts Options) *Part {
	if opts.MaxGap <= 0 {
		opts.MaxGap = DefaultMaxGap
	}
	return &Part{opts: opts, url: rpc.Redact(opts.URL)}
}

// Role is the stream's role.
func (p *Part) Role() check.Role { return p.opts.Role }

// Close ends the subscription, if one is open.
func (p *Part) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s != nil {
		p.s.close()
		p.s = nil
	}
	return nil
}

// subscription is the open subscription, dialled when there is none or the server ended it, with
// where this check's read starts: after the previous check's, or at start on a fresh one.
func (p *Part) subscription(ctx context.Context, clock check.Clock, start time.Time) (s *stream, after, badAfter uint64, from, quiet time.Time, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s != nil {
		if v := p.s.feed.view(p.seq); v.ended == nil {
			quiet = v.opened
			if v.last != nil && v.last.Seq <= p.seq {
				quiet = v.last.At
			}
			return p.s, p.seq, p.badSeq, p.end, quiet, nil
		}
		p.s.close()
		p.s = nil
	}
	s, err = dial(ctx, clock, p.opts)
	if err != nil {
		return nil, 0, 0, start, start, err
	}
	p.s, p.seq, p.badSeq, p.end = s, 0, 0, start
	return s, 0, 0, start, start, nil
}

// Observe reads the stream until a frame is for the block after the L2's head (as heads learns it),
// a frame does not decode, the connection ends, --max-flashblock-gap passes without a frame (or
// since the start), or ctx ends.
func (p *Part) Observe(ctx context.Context, clock check.Clock, _ check.Config, heads *check.Heads) check.Sighting {
	start := clock.Now()
	sg := Sighting{role: p.opts.Role, against: p.opts.Against, url: p.url, gap: p.opts.MaxGap}
	s, after, badBefore, from, quiet, err := p.subscription(ctx, clock, start)
	sg.r = read{start: start, from: from, gap: p.opts.MaxGap, quietSince: quiet}
	if err != nil {
		sg.err = failureOf(err)
		sg.r.end = clock.Now()
		return sg
	}
	seq, badSeq := after, badBefore
	for {
		headsChanged := heads.Changed()
		v := s.feed.view(seq)
		for _, f := range v.frames {
			sg.r.addFrame(f)
			seq = f.Seq
		}
		if v.badSeq > badBefore {
			sg.r.bad, badSeq = v.bad, v.badSeq
		}
		if v.ended != nil {
			sg.r.ended = v.ended
		}
		now := clock.Now()
		if h, ok := heads.Latest(p.opts.Against.Name); ok {
			sg.r.addHead(h.Number, now)
		}
		if sg.r.done(now) {
			break
		}
		select {
		case <-v.changed:
		case <-headsChanged:
		case <-clock.After(sg.r.deadline().Sub(now)):
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	sg.r.end = clock.Now()
	p.mu.Lock()
	if p.s == s && seq > p.seq {
		p.seq = seq
	}
	if p.s == s && badSeq > p.badSeq {
		p.badSeq = badSeq
	}
	if p.s == s && sg.r.end.After(p.end) {
		p.end = sg.r.end
	}
	p.mu.Unlock()
	return sg
}

// Options are what the part was configured with.
func (p *Part) Options() Options { return p.opts }
