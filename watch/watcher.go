// Package watch is the live view of `headprobe watch`: a Watcher is fed one check.Result per
// tick and keeps a small, bounded history (recent head samples per endpoint, the last state
// changes, since when the state has held), which it renders as a terminal screen or a log line.
// Loop drives the ticks. Nothing here does network I/O or reads the real clock unless told to.
package watch

import (
	"time"

	"github.com/headprobe/headprobe/check"
)

// Watcher remembers what the recent health checks showed. It is not safe for concurrent use.
type Watcher struct {
	now func() time.Time

	seen  bool
	last  check.Result
	at    time.Time // when last was observed
	since time.Time // when the current state began

	l2, builder window
	changes     changeLog
}

// New returns a Watcher that stamps observations with now.
func New(now func() time.Time) *Watcher {
	return &Watcher{now: now}
}

// Observe records one health check's result.
func (w *Watcher) Observe(r check.Result) {
	now := w.now()
	if !w.seen || r.State != w.last.State {
		w.changes.add(Change{At: now, From: w.last.State, To: r.State, First: !w.seen, Reason: r.Reason})
		w.since = now
	}
	w.seen, w.last, w.at = true, r, now
	sampleHead(&w.l2, now, &r.L2)
	sampleHead(&w.builder, now, r.Builder)
}

// sampleHead adds the endpoint's head to its window, or only ages the window without a head.
func sampleHead(win *window, now time.Time, e *check.Endpoint) {
	if e == nil || e.Last == nil {
		win.prune(now)
		return
	}
	win.add(now, e.Last.Number)
}

// Last is the latest result and when it was observed; ok is false before the first.
func (w *Watcher) Last() (r check.Result, at time.Time, ok bool) {
	return w.last, w.at, w.seen
}

// Held is how long the current state has held, as of the latest observation.
func (w *Watcher) Held() time.Duration {
	return w.at.Sub(w.since)
}

// Rate is the endpoint's (check.L2Name or check.BuilderName) blocks per second over the last
// RateWindow; ok is false until it has two samples some time apart, and while the latest check
// got no answer from it (no head, or its request failed): an endpoint that stopped answering has
// no rate, not the last one it had.
func (w *Watcher) Rate(name string) (bps float64, ok bool) {
	if e := w.endpoint(name); e == nil || e.Last == nil || e.Err != nil {
		return 0, false
	}
	return w.window(name).rate()
}

// endpoint is the endpoint of that name in the latest result, or nil.
func (w *Watcher) endpoint(name string) *check.Endpoint {
	switch {
	case !w.seen:
		return nil
	case name == check.BuilderName:
		return w.last.Builder
	default:
		return &w.last.L2
	}
}

// Samples is how many head samples are kept for the endpoint; at most MaxSamples.
func (w *Watcher) Samples(name string) int {
	return w.window(name).n
}

func (w *Watcher) window(name string) *window {
	if name == check.BuilderName {
		return &w.builder
	}
	return &w.l2
}

// Lag is how many blocks the builder's head is behind the L2's in the latest result (negative:
// ahead); ok is false without a head from both.
func (w *Watcher) Lag() (blocks int64, ok bool) { return w.last.BuilderLag() }

// Changes are the last MaxChanges state changes, oldest first.
func (w *Watcher) Changes() []Change {
	return w.changes.list()
}
