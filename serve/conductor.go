package serve

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/headprobe/headprobe/check"
)

// ConductorPath answers op-conductor's JSON health contract (v1.19.6, op-conductor/client/
// rollupboost_next.go, read through --rollup-boost.next-healthcheck-url).
const ConductorPath = "/conductor/healthz"

// ConductorFeed is what /conductor/healthz tells op-conductor.
type ConductorFeed struct {
	// Scope names the findings fed ("builder", "all"); the answer shows it.
	Scope string
	// Keep is which failures count (check.Result.Scoped); nil counts every one.
	Keep func(check.Role, check.Cause) bool
}

// rollupBoostHealth are the values op-conductor accepts in rollup_boost_health, by the state they
// tell it: Healthy, PartialContent (its ErrRollupBoostPartiallyHealthy, which the partial
// tolerance may forgive), ServiceUnavailable (ErrRollupBoostNotHealthy). Unknown has none: it is
// answered with another status than 200, which op-conductor counts as the health source down.
var rollupBoostHealth = map[check.State]string{
	check.Healthy:     "Healthy",
	check.Partial:     "PartialContent",
	check.Unavailable: "ServiceUnavailable",
}

// conductorDoc is the answer's body: op-conductor reads version and rollup_boost_health and
// ignores the other keys (its decoder does not refuse unknown fields), which say why.
type conductorDoc struct {
	Version           string `json:"version"`
	RollupBoostHealth string `json:"rollup_boost_health,omitempty"`
	Status            string `json:"status"`
	Scope             string `json:"scope"`
	Reason            string `json:"reason"`
}

// conductorBody is a recorded verdict's answer, rendered at the first request.
type conductorBody struct {
	once sync.Once
	code int
	body []byte
}

// conductorAnswer is the status and body of /conductor/healthz for a health result: 200 with the
// state the feed counts (see rollupBoostHealth), or 503 when the result is no verdict (Unknown: no
// fresh one, an internal error), with no rollup_boost_health, so that a reader that ignored the
// status would still refuse it.
func conductorAnswer(r check.Result, feed ConductorFeed, version string) (int, []byte) {
	keep := feed.Keep
	if keep == nil {
		keep = func(check.Role, check.Cause) bool { return true }
	}
	state, reason := r.Scoped(keep)
	doc := conductorDoc{Version: version, RollupBoostHealth: rollupBoostHealth[state], Status: state.String(), Scope: feed.Scope, Reason: reason}
	code := http.StatusOK
	if doc.RollupBoostHealth == "" {
		code = http.StatusServiceUnavailable
	}
	if state == check.Healthy {
		doc.Reason = r.Reason
		if r.State != check.Healthy { // failures outside the scope: said, not fed
			doc.Reason = "not fed to op-conductor (scope " + feed.Scope + "): " + r.Reason
		}
	}
	body, err := json.Marshal(doc)
	if err != nil { // a struct of strings always marshals
		return http.StatusInternalServerError, []byte(`{"status":"unknown","reason":"internal error"}`)
	}
	return code, append(body, '\n')
}

// conductor answers /conductor/healthz from the current health verdict: the same verdict, and the
// same freshness rule, as /healthz.
func (s *Server) conductor(w http.ResponseWriter, _ *http.Request) {
	v, _, _ := s.verdicts.answer(check.Health, s.clock.Now(), s.limit)
	var code int
	var body []byte
	if v.bodies == nil { // no fresh verdict: made at the request
		code, body = conductorAnswer(v.Result, s.opts.Conductor, s.opts.Build.Version)
	} else {
		c := &v.bodies.conductor
		c.once.Do(func() { c.code, c.body = conductorAnswer(v.Result, s.opts.Conductor, s.opts.Build.Version) })
		code, body = c.code, c.body
	}
	write(w, code, "application/json", body)
}

// conductor is /conductor/healthz?target=NAME: a fresh health check of the target, answered as
// the single-target server answers.
func (f *Fleet) conductor(w http.ResponseWriter, r *http.Request) {
	if _, _, res, ok := f.check(w, r, check.Health); ok {
		code, body := conductorAnswer(res, f.opts.Conductor, f.opts.Build.Version)
		write(w, code, "application/json", body)
	}
}
