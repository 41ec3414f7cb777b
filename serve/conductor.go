package serve

import (
	"context"
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
	// Peers, when set, are the other sequencers' sidecars: a partial answer with no healthy peer
	// is held at Healthy (see Peers). The single-target server asks them; a fleet does not.
	Peers Peers
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
	// Held says a partial answer was held at Healthy because no peer's builder side was healthy.
	Held bool `json:"held,omitempty"`
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
	return conductorDocOf(r, feed, version).encode()
}

// conductorDocOf is the answer's document for a health result.
func conductorDocOf(r check.Result, feed ConductorFeed, version string) conductorDoc {
	keep := feed.Keep
	if keep == nil {
		keep = func(check.Role, check.Cause) bool { return true }
	}
	state, reason := r.Scoped(keep)
	doc := conductorDoc{Version: version, RollupBoostHealth: rollupBoostHealth[state], Status: state.String(), Scope: feed.Scope, Reason: reason}
	if state == check.Healthy {
		doc.Reason = r.Reason
		if r.State != check.Healthy { // failures outside the scope: said, not fed
			doc.Reason = "not fed to op-conductor (scope " + feed.Scope + "): " + r.Reason
		}
	}
	return doc
}

// encode is the answer's status and body.
func (doc conductorDoc) encode() (int, []byte) {
	code := http.StatusOK
	if doc.RollupBoostHealth == "" {
		code = http.StatusServiceUnavailable
	}
	body, err := json.Marshal(doc)
	if err != nil { // a struct of strings always marshals
		return http.StatusInternalServerError, []byte(`{"status":"unknown","reason":"internal error"}`)
	}
	return code, append(body, '\n')
}

// heldByPeers is doc as the peers leave it: a partial answer is held at Healthy when no peer
// answers Healthy, its reason naming what each said; any other answer is doc.
func heldByPeers(ctx context.Context, doc conductorDoc, peers Peers) conductorDoc {
	if doc.Status != check.Partial.String() || len(peers.URLs) == 0 {
		return doc
	}
	said := peers.ask(ctx)
	if anyHealthy(said) {
		doc.Reason += "; a peer's builder is healthy (" + peersLine(said) + ")"
		return doc
	}
	doc.RollupBoostHealth, doc.Held = rollupBoostHealth[check.Healthy], true
	doc.Reason = "held at Healthy: no peer's builder is healthy (" + peersLine(said) + "), so a failover would not help: " + doc.Reason
	return doc
}

// conductor answers /conductor/healthz from the current health verdict: the same verdict, and the
// same freshness rule, as /healthz.
func (s *Server) conductor(w http.ResponseWriter, r *http.Request) {
	v, _, _ := s.verdicts.answer(check.Health, s.clock.Now(), s.limit)
	if len(s.opts.Conductor.Peers.URLs) > 0 && !r.URL.Query().Has(LocalParam) {
		code, body := heldByPeers(r.Context(), conductorDocOf(v.Result, s.opts.Conductor, s.opts.Build.Version), s.opts.Conductor.Peers).encode()
		write(w, code, "application/json", body)
		return
	}
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
