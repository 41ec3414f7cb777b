package conductor

import (
	"errors"
	"strings"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Detail is what the renderers show of op-conductor: the role, whether it is paused or stopped,
// its own health view and whether op-node is sequencing.
type Detail struct {
	// URL is the redacted address.
	URL string
	// Status is the batch's answer, when Err is nil.
	Status Status
	// Err is why the batch failed.
	Err error
	// Sequencing is op-node's admin_sequencerActive; nil when not asked or not known.
	Sequencing *bool
	// SequencingErr is why it is not known, when asked.
	SequencingErr error
}

// Doc is the JSON object's further fields under "conductor"; the booleans are null when the
// conductor did not answer.
type Doc struct {
	URL              string `json:"url"`
	ErrorClass       string `json:"error_class,omitempty"`
	Role             string `json:"role,omitempty"`
	Leader           *bool  `json:"leader"`
	Active           *bool  `json:"active"`
	Paused           *bool  `json:"paused"`
	Stopped          *bool  `json:"stopped"`
	SequencerHealthy *bool  `json:"sequencer_healthy"`
	OpNodeSequencing *bool  `json:"op_node_sequencing"`
}

// Role is "leader" or "follower"; "unknown" when the conductor did not answer. watch follows it.
func (d *Detail) Role() string {
	switch {
	case d.Err != nil:
		return "unknown"
	case d.Status.Leader:
		return "leader"
	}
	return "follower"
}

// Label is what watch follows of the part: its role.
func (d *Detail) Label() string { return d.Role() }

// state is "active", "paused" or "stopped".
func (s Status) state() string {
	switch {
	case s.Stopped:
		return "stopped"
	case s.Paused:
		return "paused"
	case s.Active:
		return "active"
	}
	return "inactive"
}

// summary is "leader, active, healthy, op-node sequencing".
func (d *Detail) summary() string {
	health := "its health check: unhealthy"
	if d.Status.SequencerHealthy {
		health = "its health check: healthy"
	}
	parts := []string{d.Role(), d.Status.state(), health}
	switch {
	case d.Sequencing == nil:
	case *d.Sequencing:
		parts = append(parts, "op-node sequencing")
	default:
		parts = append(parts, "op-node not sequencing")
	}
	return strings.Join(parts, ", ")
}

// Line is the text report's detail.
func (d *Detail) Line() string {
	if d.Err != nil {
		return d.URL
	}
	return d.summary() + "  " + d.URL
}

// Doc is the JSON fields: see Doc.
func (d *Detail) Doc() any {
	doc := Doc{URL: d.URL, OpNodeSequencing: d.Sequencing}
	var f *rpc.Failure
	if errors.As(d.Err, &f) {
		doc.ErrorClass = string(f.Class)
	}
	if d.Err == nil {
		s := d.Status
		doc.Role = d.Role()
		doc.Leader, doc.Active, doc.Paused, doc.Stopped, doc.SequencerHealthy = &s.Leader, &s.Active, &s.Paused, &s.Stopped, &s.SequencerHealthy
	}
	return doc
}

// Series are the gauges headprobe_conductor_leader and friends, when the conductor answered.
func (d *Detail) Series() []check.Series {
	if d.Err != nil {
		return nil
	}
	gauge := func(name, help string, v bool) check.Series {
		s := check.Series{Name: "headprobe_conductor_" + name, Help: help}
		if v {
			s.Value = 1
		}
		return s
	}
	s := d.Status
	out := []check.Series{
		gauge("leader", "1 when op-conductor says this node leads (conductor_leader).", s.Leader),
		gauge("active", "1 when op-conductor is neither paused nor stopped (conductor_active).", s.Active),
		gauge("paused", "1 when op-conductor is paused (conductor_paused).", s.Paused),
		gauge("stopped", "1 when op-conductor is stopped (conductor_stopped).", s.Stopped),
		gauge("sequencer_healthy", "1 when op-conductor's health monitor says the sequencer is healthy (conductor_sequencerHealthy).", s.SequencerHealthy),
	}
	if d.Sequencing != nil {
		out = append(out, gauge("op_node_sequencing", "1 when op-node is sequencing (admin_sequencerActive).", *d.Sequencing))
	}
	return out
}
