package kind

import "github.com/headprobe/headprobe/check"

// Kind is one kind of endpoint: the flags it reads, and how their values become a Plan.
type Kind struct {
	// Name names the kind in errors and in the registry's tests ("execution", "op-node").
	Name string
	// Roles are the roles its sources and parts judge, as declared (a source's role may carry
	// further criteria once configured).
	Roles []check.Role
	// Causes are its own causes, beyond check's common ones, as JSON's cause shows them.
	Causes []check.Cause
	// Flags are its flags, in the order --help lists them within their categories.
	Flags []Flag
	// Configure validates the flags' values and returns what the run judges of the kind; it names
	// the flag and value of the first problem in one line. v answers only for the flags of the
	// modes that read them: any other flag is at its default.
	Configure func(v Values) (Plan, error)
}

// The roles other kinds judge against or alongside, by name: the sequencer's execution client,
// which every kind's heads are compared with, and its external block builder.
const (
	L2      = "l2"
	Builder = "builder"
)

// RequiredError is a flag a kind needs and nothing gives; the wiring says where it may be given.
type RequiredError struct{ Flag string }

// Error names the flag.
func (e *RequiredError) Error() string { return "--" + e.Flag + " is required" }

// Help categories several kinds share.
const (
	CatEndpoints   = "Endpoints"
	CatConsistency = "Consistency (health only)"
)
