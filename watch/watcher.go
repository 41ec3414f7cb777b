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

	// windows are the recent head samples of each endpoint seen, by name.
	windows map[string]*window
	changes changeLog
	// labels follow the parts' labels (op-conductor's role).
	labels labelLog
}

// New returns a Watcher that stamps observations with now.
func New(now func() time.Time) *Watcher {
	return &Watcher{now: now, windows: map[string]*window{}}
}

// Observe records one health check's result.
func (w *Watcher) Observe(r check.Result) {
	now := w.now()
	if !w.seen || r.State != w.last.State {
		w.changes.add(Change{At: now, From: w.last.State, To: r.State, First: !w.seen, Reason: r.Reason})
		w.since = now
	}
	w.seen, w.last, w.at = true, r, now
	w.labels.observe(now, r)
	for _, e := range r.Endpoints {
		if w.windows[e.Role.Name] == nil {
			w.windows[e.Role.Name] = &window{}
		}
	}
	for name, win := range w.windows {
		// An endpoint's head goes into its window; without one, the window only ages.
		if e := r.Endpoint(name); e != nil && e.Last != nil {
			win.add(now, e.Last.Number)
		} else {
			win.prune(now)
		}
	}
}

// Last is the latest result and when it was observed; ok is false before the first.
func (w *Watcher) Last() (r check.Result, at time.Time, ok bool) {
	return w.last, w.at, w.seen
}

// Held is how long the current state has held, as of the latest observation.
func (w *Watcher) Held() time.Duration {
	return w.at.Sub(w.since)
}

// Rate is the named endpoint's blocks per second over the last
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
	if !w.seen {
		return nil
	}
	return w.last.Endpoint(name)
}

// Samples is how many head samples are kept for the endpoint; at most MaxSamples.
func (w *Watcher) Samples(name string) int {
	return w.window(name).n
}

// window is the named endpoint's samples; an empty one for an endpoint never seen.
func (w *Watcher) window(name string) *window {
	if win := w.windows[name]; win != nil {
		return win
	}
	return &window{}
}

// Lags are the latest result's lags between endpoints (the builder's behind the L2), in relation order.
func (w *Watcher) Lags() []check.Lag { return w.last.Lags() }

// Changes are the last MaxChanges state changes, oldest first.
func (w *Watcher) Changes() []Change {
	return w.changes.list()
}
