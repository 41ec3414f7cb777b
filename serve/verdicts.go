package serve

import (
	"fmt"
	"sync"
	"time"

	"github.com/headprobe/headprobe/check"
)

// modes are the modes whose verdicts are kept, each derived from the health check.
var modes = [...]check.Mode{check.Health, check.Ready, check.Live}

// Verdict is a mode's latest judgement and when its check finished.
type Verdict struct {
	Result   check.Result
	Finished time.Time
}

// Derive is the verdict of mode on a health check's observations: check.Judge is pure, so ready
// and live judge the very heads the health check saw, at the same time, by their own criteria
// (ready the roles that building blocks needs, live whether they answer), without a request of
// their own. A health result that judged nothing (an internal error) stays what it is.
func Derive(health check.Result, mode check.Mode) check.Result {
	if mode == check.Health {
		return health
	}
	if health.State == check.Unknown || len(health.Endpoints) == 0 {
		r := health
		r.Mode, r.State, r.Endpoints, r.Relations = mode, check.Unknown, nil, nil
		return r
	}
	r := check.Judge(mode, health.Config, health.Endpoints, health.Relations)
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
		v.latest[m] = Verdict{Result: Derive(health, m), Finished: finished}
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
	latest, lastSuccess, ok := v.get(mode)
	if !ok {
		return check.Result{Mode: mode, State: check.Unknown, Reason: "no verdict yet: the first check has not finished"}, lastSuccess, false
	}
	age := now.Sub(latest.Finished)
	if age <= limit {
		return latest.Result, lastSuccess, true
	}
	r = check.Result{Mode: mode, State: check.Unknown, Config: latest.Result.Config, Start: latest.Result.Start,
		Reason: fmt.Sprintf("no fresh verdict: last check finished %s ago", ago(age))}
	return r, lastSuccess, false
}

// ago shows an age past the freshness limit: to the tenth of a second under 10 s ("1.4s"), to the
// second above ("9s", "2m5s").
func ago(d time.Duration) string {
	if d < 10*time.Second {
		return d.Truncate(100 * time.Millisecond).String()
	}
	return d.Truncate(time.Second).String()
}
