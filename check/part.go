package check

import (
	"context"
	"sync"
)

// Part is an endpoint judged by something other than its unsafe head: rollup-boost's own verdict,
// op-conductor's role, the flashblocks stream. A run observes each part its mode judges
// concurrently with the heads, then judges it after them, seeing their judged endpoints. A part
// that holds connections across runs (watch, serve) also implements io.Closer; the wiring closes it.
type Part interface {
	// Role names the part, says what its failure means and which modes judge it.
	Role() Role
	// Observe watches the part until it has seen enough, or ctx ends (the run's bound). heads holds
	// the heads seen so far in this run, updated as they arrive.
	Observe(ctx context.Context, clock Clock, cfg Config, heads *Heads) Sighting
}

// Sighting is what a part saw in one run. Judge is pure, so a run's sightings can be judged again
// for another mode.
type Sighting interface {
	// Judge returns the part's finding. r holds the judged endpoints and the findings of the parts
	// before this one; Judge may waive an endpoint (Endpoint.Waived), e.g. rollup-boost running with
	// the builder disabled.
	Judge(mode Mode, cfg Config, r *Result) Finding
}

// Finding is a part's judgement and what the renderers show of it.
type Finding struct {
	// Role is the part's.
	Role Role
	// Cause is why the part failed; "" when it passed.
	Cause Cause
	// Failure is the state the failure gives the run; the role's when left Healthy.
	Failure State
	// Reason says why it failed, or what it saw, in a short phrase without the part's name.
	Reason string
	// Note is what the part shows without failing the run (a disagreement with the heads' verdict).
	Note string
	// Detail is what the renderers show of the part; nil shows the reason alone.
	Detail Detail
}

// OK says whether the part passed.
func (f Finding) OK() bool { return f.Cause == "" }

// failure is the state the finding gives the run when it failed.
func (f Finding) failure() State {
	if f.Failure != Healthy {
		return f.Failure
	}
	return f.Role.Failure
}

// Detail is what the renderers show of a part, or of a head's further data (op-node's sync status).
type Detail interface {
	// Line is the text report's detail after the name ("leader, active, healthy").
	Line() string
	// Doc is the JSON object's further fields: a struct or map whose fields join the object under
	// the role's key.
	Doc() any
	// Series are the gauges the textfile and /metrics carry; each name is prefixed by nothing and
	// must be unique to the part ("headprobe_conductor_leader").
	Series() []Series
}

// Series is one gauge of a Detail.
type Series struct {
	Name, Help string
	// Labels are the series' labels; every series of one name has the same label names.
	Labels map[string]string
	Value  float64
}

// Heads is the latest head of each role seen so far in a run, safe for concurrent use. A part
// that judges against a head while it reads (flashblocks: the block the L2 is building) waits on
// Changed.
type Heads struct {
	mu      sync.Mutex
	latest  map[string]Head
	ended   map[string]bool
	changed chan struct{}
}

// NewHeads is an empty Heads.
func NewHeads() *Heads {
	return &Heads{latest: map[string]Head{}, ended: map[string]bool{}, changed: make(chan struct{})}
}

// Latest is the latest head seen of the role of that name.
func (h *Heads) Latest(role string) (Head, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	head, ok := h.latest[role]
	return head, ok
}

// Changed is closed when a head arrives after the call.
func (h *Heads) Changed() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changed
}

// Set records a head of the role of that name and wakes the waiters on Changed.
func (h *Heads) Set(role string, head Head) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.latest[role] = head
	close(h.changed)
	h.changed = make(chan struct{})
}

// End records that the observation of the role of that name is over, with or without a head, and
// wakes the waiters on Changed: a part waiting for a head that will never come stops waiting.
func (h *Heads) End(role string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ended[role] = true
	close(h.changed)
	h.changed = make(chan struct{})
}

// Ended reports whether the observation of the role of that name is over.
func (h *Heads) Ended(role string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ended[role]
}

// BuilderWaiver is a part finding's detail that can say no builder work is expected (rollup-boost
// running with its builder disabled): the builder's own checks, and those of what it builds, are
// then waived with that reason.
type BuilderWaiver interface {
	// BuilderWaived is why the builder's failures do not count, or "".
	BuilderWaived() string
}
