package watch

import (
	"time"

	"github.com/headprobe/headprobe/check"
)

// MaxChanges is how many state changes a Watcher remembers.
const MaxChanges = 5

// Change is a verdict that differs from the one before it; the first observation is a change too.
type Change struct {
	At time.Time
	// From is the previous state; meaningless when First.
	From, To check.State
	// First marks the first observation of the watch.
	First bool
	// Reason is the verdict's reason when the state changed.
	Reason string
}

// changeLog is a fixed-size ring of the last MaxChanges changes.
type changeLog struct {
	buf      [MaxChanges]Change
	start, n int
}

func (l *changeLog) add(c Change) {
	if l.n == MaxChanges {
		l.start = (l.start + 1) % MaxChanges
		l.n--
	}
	l.buf[(l.start+l.n)%MaxChanges] = c
	l.n++
}

// list copies the changes, oldest first.
func (l *changeLog) list() []Change {
	out := make([]Change, l.n)
	for i := range out {
		out[i] = l.buf[(l.start+i)%MaxChanges]
	}
	return out
}
