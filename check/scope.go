package check

import "strings"

// Scoped is the state r gives when only the failures keep accepts count, with those failures'
// reasons ("role reason", joined by "; "; "" when none counts): an endpoint counts when it failed
// and no part waived it, a part when it failed, each with the state its failure gives the run, as
// Judge counts them. A result that is no verdict (Unknown) stays Unknown with its reason. It is
// for a reader that judges the other parts itself (op-conductor reading /conductor/healthz), so
// that one failure is not counted twice.
func (r Result) Scoped(keep func(role Role, cause Cause) bool) (State, string) {
	if r.State == Unknown {
		return Unknown, r.Reason
	}
	state := Healthy
	var reasons []string
	count := func(role Role, cause Cause, failure State, reason string) {
		if !keep(role, cause) {
			return
		}
		if failure > state {
			state = failure
		}
		reasons = append(reasons, role.Name+" "+reason)
	}
	for i := range r.Endpoints {
		if e := &r.Endpoints[i]; e.counts() {
			count(e.Role, e.Cause, e.Failure, e.Reason)
		}
	}
	for _, f := range r.Parts {
		if !f.OK() {
			count(f.Role, f.Cause, f.failure(), f.Reason)
		}
	}
	return state, strings.Join(reasons, "; ")
}
