package check

// State is the probe's verdict; its value is the process exit code.
type State int

// The states, in the order rollup-boost's /healthz decides them (503, 206, 200),
// with the Nagios-style UNKNOWN for everything that is not a verdict.
const (
	// Healthy: the L2 is progressing, and so is the builder (or none was given). HTTP 200 in rollup-boost.
	Healthy State = 0
	// Partial: the L2 is progressing but the builder is stale, behind or unreachable. HTTP 206.
	Partial State = 1
	// Unavailable: the L2 is stale or unreachable, so no blocks are being built. HTTP 503.
	Unavailable State = 2
	// Unknown: bad usage, bad configuration, interruption or an internal error; never a verdict on the chain.
	Unknown State = 3
)

// ExitCode is the process exit code for the state.
func (s State) ExitCode() int { return int(s) }

// String is the lower-case name used in JSON and logs.
func (s State) String() string {
	switch s {
	case Healthy:
		return "healthy"
	case Partial:
		return "partial"
	case Unavailable:
		return "unavailable"
	default:
		return "unknown"
	}
}
