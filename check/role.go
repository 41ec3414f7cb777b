package check

import (
	"slices"
	"strings"
)

// Role is a part of the sequencer that headprobe judges through one endpoint: its name, what its
// failure means for the run, and the modes that judge it. The roles themselves are defined by the
// wiring (package roles), so that check names none of them.
type Role struct {
	// Name is the endpoint's name in text, metrics labels and state-file keys ("l2", "builder").
	Name string
	// Title is how a reason names the role inside a sentence ("the L2's #12").
	Title string
	// Failure is the state a failing endpoint of this role gives the run: Unavailable (no blocks
	// are built) or Partial (blocks are built, a part is degraded).
	Failure State
	// Modes are the modes that judge the role; the others neither observe nor judge it.
	Modes []Mode
	// Criteria are the role's further checks of its head endpoint, made in order after the common
	// criteria and the relations of which it is the Of passed (op-node's safe head, its peers); none
	// for the L2 and the builder.
	Criteria []Criterion
	// BuilderSide marks a role whose failures are the external builder's (the builder endpoint, its
	// flashblocks stream, its blocks landing): what serve feeds op-conductor by default.
	BuilderSide bool
	// BuilderCauses are the causes of a role not BuilderSide whose failures are the builder's all
	// the same (rollup-boost's 206: its builder is not building).
	BuilderCauses []Cause
	// NotFedBack marks a role that reports a health view of its own (op-conductor): its findings
	// are never fed back to it.
	NotFedBack bool
	// Explains lists, for a cause of this role, the causes of other roles that its failure
	// explains in the same run: the first line then leads with it (a leader that does not sequence
	// explains every head that stops with it).
	Explains map[Cause][]Cause
}

// Criterion is a further check of a role's head endpoint.
type Criterion struct {
	// Failure is the state its failure gives the run; the role's when left Healthy.
	Failure State
	// Modes are the modes that make the check; all that judge the role when empty.
	Modes []Mode
	// Check returns why the observation fails, or "" when it passes.
	Check func(cfg Config, o Observation) (Cause, string)
}

// JudgedIn reports whether mode judges the role.
func (r Role) JudgedIn(m Mode) bool { return slices.Contains(r.Modes, m) }

// Key is the role's name as a JSON key or a part of a metric name: "op-node" is "op_node".
func (r Role) Key() string { return strings.ReplaceAll(r.Name, "-", "_") }
