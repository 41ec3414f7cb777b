package watch

import (
	"time"

	"github.com/headprobe/headprobe/check"
)

// Labelled is a part's detail naming a state that watch follows from check to check:
// op-conductor's role, "leader" or "follower".
type Labelled interface {
	// Label is the state, one word.
	Label() string
}

// LabelChange is a part's label that differs from the one the check before showed.
type LabelChange struct {
	At time.Time
	// Part is the part's name; From and To its labels.
	Part, From, To string
}

// labelLog remembers each part's last label and the last MaxChanges changes of any.
type labelLog struct {
	last    map[string]string
	changes []LabelChange
}

// observe records the labels of r's parts at now.
func (l *labelLog) observe(now time.Time, r check.Result) {
	for _, f := range r.Parts {
		d, ok := f.Detail.(Labelled)
		if !ok {
			continue
		}
		if l.last == nil {
			l.last = map[string]string{}
		}
		name, label := f.Role.Name, d.Label()
		if before, seen := l.last[name]; seen && before != label {
			l.changes = append(l.changes, LabelChange{At: now, Part: name, From: before, To: label})
			if len(l.changes) > MaxChanges {
				l.changes = append(l.changes[:0], l.changes[1:]...)
			}
		}
		l.last[name] = label
	}
}

// LabelChanges are the last MaxChanges changes of the parts' labels (op-conductor's role),
// oldest first.
func (w *Watcher) LabelChanges() []LabelChange {
	return append([]LabelChange(nil), w.labels.changes...)
}

// labelsOf are r's parts' labels as name=label, in part order.
func labelsOf(r check.Result) []string {
	var out []string
	for _, f := range r.Parts {
		if d, ok := f.Detail.(Labelled); ok {
			out = append(out, f.Role.Name+"="+d.Label())
		}
	}
	return out
}
