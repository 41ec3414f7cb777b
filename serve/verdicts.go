package serve

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
)

// modes are the modes whose verdicts are kept, each derived from the health check.
var modes = [...]check.Mode{check.Health, check.Ready, check.Live}

// Verdict is a mode's latest judgement and when its check finished.
type Verdict struct {
	Result   check.Result
	Finished time.Time
	// bodies are the answer's text and JSON, rendered at the first request that asks for each
	// and then only copied; nil for an answer made at the request (no fresh verdict).
	bodies *bodies
}

// bodies are a verdict's rendered answers.
type bodies struct {
	textOnce, jsonOnce sync.Once
	text, json         []byte
	conductor          conductorBody
}

// newVerdict is r as finished at finished, its answers to be rendered when first asked for.
func newVerdict(r check.Result, finished time.Time) Verdict {
	return Verdict{Result: r, Finished: finished, bodies: &bodies{}}
}

// Derive is the verdict of mode on a health check's observations: check.Judge is pure, so ready
// and live judge the very heads and parts' sightings (rollup-boost's /healthz) the health check
// saw, at the same time, by their own criteria (ready the roles that building blocks needs, live
// whether they answer), without a request of their own. A health result that judged nothing (an
// internal error) stays what it is.
func Derive(health check.Result, mode check.Mode) check.Result {
	if mode == check.Health {
		return health
	}
	if health.State == check.Unknown || len(health.Endpoints) == 0 {
		r := health
		r.Mode, r.State, r.Endpoints, r.Relations = mode, check.Unknown, nil, nil
		return r
	}
	r := check.Judge(mode, health.Config, health.Endpoints, health.Relations, health.Sightings...)
	r.Start, r.Duration = health.Start, health.Duration
	return r
}

// verdicts keeps the latest verdict of each mode; it is safe for concurrent use.
type verdicts struct {
	mu     sync.RWMutex
	latest map[check.Mode]Verdict
	// lastSuccess is when the last healthy health check started; zero before one.
	lastSuccess time.Time
}

// record keeps a health check's result, and ready's and live's derived from it, as finished at
// finished; changed is false when the health state is the one already held, first is true for
// the first verdict.
func (v *verdicts) record(health check.Result, finished time.Time) (changed, first bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.latest == nil {
		v.latest = map[check.Mode]Verdict{}
	}
	prev, had := v.latest[check.Health]
	for _, m := range modes {
		v.latest[m] = newVerdict(Derive(health, m), finished)
	}
	if health.State == check.Healthy {
		v.lastSuccess = health.Start
	}
	return !had || prev.Result.State != health.State, !had
}

// get is the latest verdict of mode and the last success; ok is false before the first.
func (v *verdicts) get(mode check.Mode) (latest Verdict, lastSuccess time.Time, ok bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	latest, ok = v.latest[mode]
	return latest, v.lastSuccess, ok
}

// StaleAfter is how old a verdict may be and still be served as current: two periods (one check
// may be missed, or may start late behind a slow one), plus the longest a check lasts, its window
// and its request timeout (the run bound, but for its small margin, which the second period covers).
func StaleAfter(every, window, timeout time.Duration) time.Duration {
	return 2*every + window + timeout
}

// current is what mode answers at now: the latest verdict while it is fresh, else an Unknown
// result that says why there is none (its Start is the stale check's, or zero before the first).
func (v *verdicts) current(mode check.Mode, now time.Time, limit time.Duration) (r check.Result, lastSuccess time.Time, fresh bool) {
	latest, lastSuccess, fresh := v.answer(mode, now, limit)
	return latest.Result, lastSuccess, fresh
}

// answer is current's verdict with its rendered bodies when fresh; a stale or missing one is
// rendered only when asked for (see Verdict.body).
func (v *verdicts) answer(mode check.Mode, now time.Time, limit time.Duration) (latest Verdict, lastSuccess time.Time, fresh bool) {
	latest, lastSuccess, ok := v.get(mode)
	if !ok {
		return Verdict{Result: check.Result{Mode: mode, State: check.Unknown, Reason: "no verdict yet: the first check has not finished"}}, lastSuccess, false
	}
	age := now.Sub(latest.Finished)
	if age <= limit {
		return latest, lastSuccess, true
	}
	r := check.Result{Mode: mode, State: check.Unknown, Config: latest.Result.Config, Start: latest.Result.Start,
		Reason: fmt.Sprintf("no fresh verdict: last check finished %s ago", ago(age, limit))}
	return Verdict{Result: r, Finished: latest.Finished}, lastSuccess, false
}

// body is the answer in text or JSON: rendered once per recorded verdict, or, for an answer made
// at the request (no fresh verdict), now, its JSON time now when no check has started.
func (v Verdict) body(asJSON bool, now time.Time) []byte {
	if v.bodies == nil {
		return render(v.Result, asJSON, now)
	}
	b := v.bodies
	if asJSON {
		b.jsonOnce.Do(func() { b.json = render(v.Result, true, now) })
		return b.json
	}
	b.textOnce.Do(func() { b.text = render(v.Result, false, now) })
	return b.text
}

// render is r's first line, or its JSON document.
func render(r check.Result, asJSON bool, now time.Time) []byte {
	if !asJSON {
		return []byte(report.Headline(r) + "\n")
	}
	if r.Start.IsZero() {
		r.Start = now // no check yet: the document is as of now
	}
	var doc bytes.Buffer
	report.JSON(&doc, r)
	return doc.Bytes()
}

// ago shows an age past the freshness limit with the coarsest precision that still shows it past
// the limit: "9s" past 5s, but "241ms" past 240ms, never an age that looks fresh.
func ago(d, limit time.Duration) string {
	for unit := time.Second; unit >= time.Microsecond; unit /= 10 {
		if t := d.Truncate(unit); t > limit {
			return t.String()
		}
	}
	return d.String()
}
