package check

// State is the probe's verdict; its value is the process exit code.
type State int

// The states, in the order rollup-boost's /healthz decides them (503, 206, 200),
// with the Nagios-style UNKNOWN for everything that is not a verdict.
const (
	// Healthy: every judged endpoint passed. HTTP 200 in rollup-boost.
	Healthy State = 0
	// Partial: no Unavailable role failed, a Partial one did (the builder is stale, behind or unreachable). HTTP 206.
	Partial State = 1
	// Unavailable: an Unavailable role failed (the L2 is stale or unreachable), so no blocks are being built. HTTP 503.
	Unavailable State = 2
	// Unknown: bad usage, bad configuration, interruption or an internal error; never a verdict on the chain.
	Unknown State = 3
)

// states is the one table of what each state is called and answers: its exit code, its Nagios
// word and its HTTP status. Unknown answers 503 like Unavailable: a probe that could not judge
// must not let a load balancer or an orchestrator count the target as serving, and 500 would
// blame the probed node for the probe's own failure.
var states = [...]struct {
	name, nagios string
	exit, http   int
}{
	Healthy:     {"healthy", "OK", 0, 200},
	Partial:     {"partial", "WARNING", 1, 206},
	Unavailable: {"unavailable", "CRITICAL", 2, 503},
	Unknown:     {"unknown", "UNKNOWN", 3, 503},
}

// row is the state's row of the table; any value outside it is Unknown.
func (s State) row() int {
	if s < 0 || int(s) >= len(states) {
		return int(Unknown)
	}
	return int(s)
}

// ExitCode is the process exit code for the state.
func (s State) ExitCode() int { return states[s.row()].exit }

// Nagios is the monitoring-plugins word for the state: OK, WARNING, CRITICAL or UNKNOWN.
func (s State) Nagios() string { return states[s.row()].nagios }

// HTTPStatus is the status an HTTP health endpoint answers with: rollup-boost's 200, 206 and 503.
func (s State) HTTPStatus() int { return states[s.row()].http }

// String is the lower-case name used in JSON and logs.
func (s State) String() string { return states[s.row()].name }
