package check

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Endpoint is one endpoint's observation and the judgement passed on it.
type Endpoint struct {
	Observation
	// Role is what the endpoint is; its Name names the endpoint.
	Role Role
	// URL is the endpoint's address with credentials and query redacted.
	URL string
	// OK says whether this endpoint passed the mode's criteria and its relations.
	OK bool
	// Cause is why it failed; "" when OK.
	Cause Cause
	// Reason says why, in a short phrase without the endpoint's name.
	Reason string
	// Fork is the fork check against another endpoint, when a SameFork relation made one.
	Fork *Fork
	// Failure is the state the endpoint's failure gives the run: its role's, or that of the
	// role's criterion that failed it.
	Failure State
	// Waived, when set, says why the endpoint's failure does not count (a part's finding: rollup-boost
	// is not using the builder); the endpoint is still judged and shown.
	Waived string
}

// Name is the endpoint's name, its role's.
func (e Endpoint) Name() string { return e.Role.Name }

// Result is the verdict of one run.
type Result struct {
	Mode  Mode
	State State
	// Reason is the one-line explanation: the failing endpoints' reasons in role order, or a summary when healthy.
	Reason string
	// Endpoints are the judged endpoints in role order (the L2 first); none for a run that never reached them.
	Endpoints []Endpoint
	// Parts are the findings on the judged parts (rollup-boost, op-conductor, flashblocks), in order.
	Parts []Finding
	// Sightings are what the parts saw, as the run judged them: Judge is pure, so `serve` judges
	// them again, with the endpoints, for ready and live.
	Sightings []Sighting
	// Relations are the checks between endpoints the run was judged with.
	Relations []Relation
	// Config is the thresholds the run was judged by.
	Config Config
	// Start is when the run started; Duration how long it took.
	Start    time.Time
	Duration time.Duration
}

// reason is the failing endpoints' and parts' reasons, joined by "; ", led by those whose cause
// explains another's (Role.Explains), then in role order; or, when none fails, every endpoint's
// and part's, joined by ", ": each after its role's name.
func (r *Result) reason() string {
	failing, clauses := r.clauses()
	sep := ", "
	if failing {
		sep = "; "
	}
	size := 0
	for _, c := range clauses {
		size += len(c.name) + len(c.text) + len(sep) + 1
	}
	var b strings.Builder
	b.Grow(size)
	for i, c := range clauses {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(c.name)
		b.WriteByte(' ')
		b.WriteString(c.text)
	}
	return b.String()
}

// clause is one endpoint's or part's part of the first line.
type clause struct {
	role       *Role
	name, text string
	cause      Cause
}

// clauses are what the first line says: when one fails (failing), the failing endpoints and parts,
// those whose cause explains another's first, then in role order; else every one, in role order.
func (r *Result) clauses() (failing bool, out []clause) {
	for i := range r.Endpoints {
		failing = failing || r.Endpoints[i].counts()
	}
	for _, f := range r.Parts {
		failing = failing || !f.OK()
	}
	out = make([]clause, 0, len(r.Endpoints)+len(r.Parts))
	for i := range r.Endpoints {
		e := &r.Endpoints[i]
		switch {
		case e.counts() != failing: // when one fails, only the failing ones
		case e.Waived != "" && !e.OK:
			out = append(out, clause{&e.Role, e.Role.Name, e.Reason + " (not counted: " + e.Waived + ")", ""})
		default:
			out = append(out, clause{&e.Role, e.Role.Name, e.Reason, e.Cause})
		}
	}
	for i := range r.Parts {
		if f := &r.Parts[i]; f.OK() != failing {
			out = append(out, clause{&f.Role, f.Role.Name, f.Reason, f.Cause})
		}
	}
	if failing {
		explains := func(c clause) bool {
			return slices.ContainsFunc(out, func(o clause) bool { return slices.Contains(c.role.Explains[c.cause], o.cause) })
		}
		slices.SortStableFunc(out, func(a, b clause) int {
			switch ea, eb := explains(a), explains(b); {
			case ea && !eb:
				return -1
			case eb && !ea:
				return 1
			}
			return 0
		})
	}
	return failing, out
}

// counts reports whether the endpoint fails the run: it failed and no part waived it.
func (e *Endpoint) counts() bool { return !e.OK && e.Waived == "" }

// Endpoint is the judged endpoint of that name, or nil.
func (r Result) Endpoint(name string) *Endpoint {
	for i := range r.Endpoints {
		if r.Endpoints[i].Role.Name == name {
			return &r.Endpoints[i]
		}
	}
	return nil
}

// Judge passes the verdict on the observed endpoints, given in role order, in rollup-boost's order:
//  1. each endpoint whose role the mode judges is held to the criteria (see criteria);
//  2. each relation fails its Of endpoint, if that passed so far and both were judged;
//     then each endpoint that passed so far is held to its role's own criteria;
//  3. any failing endpoint of an Unavailable role → Unavailable;
//  3. each part's sighting is judged, in order, seeing the endpoints and the parts before it;
//  4. any failing endpoint (not waived) or part whose failure is Unavailable → Unavailable;
//  5. else any whose failure is Partial → Partial;
//  6. else Healthy.
//
// A role's criteria are made after the common ones passed; a part whose role the mode does not
// judge is left out.
func Judge(mode Mode, cfg Config, seen []Endpoint, relations []Relation, sightings ...Sighting) Result {
	r := Result{Mode: mode, Config: cfg, Relations: relations, Sightings: sightings, State: Healthy, Endpoints: make([]Endpoint, 0, len(seen))}
	for _, e := range seen {
		if e.Role.JudgedIn(mode) {
			e.Failure, e.Waived = e.Role.Failure, ""
			e.Cause, e.Reason = criteria(mode, cfg, e.Observation)
			e.OK = e.Cause == ""
			r.Endpoints = append(r.Endpoints, e)
		}
	}
	for _, rel := range relations {
		of, against := r.Endpoint(rel.Of.Name), r.Endpoint(rel.Against.Name)
		if of == nil || against == nil || !of.OK {
			continue
		}
		if cause, why := rel.check(of, against); cause != "" {
			of.OK, of.Cause, of.Reason, of.Failure = false, cause, why, of.Role.Failure
		}
	}
	for i := range r.Endpoints { // a role's own criteria come after its relations (op-node: diverged before safe_stale)
		if e := &r.Endpoints[i]; e.OK {
			e.judgeRole(mode, cfg)
			e.OK = e.Cause == ""
		}
	}
	for _, s := range sightings {
		if f := s.Judge(mode, cfg, &r); f.Role.JudgedIn(mode) {
			r.Parts = append(r.Parts, f)
		}
	}
	switch {
	case r.failing(Unavailable):
		r.State = Unavailable
	case r.failing(Partial):
		r.State = Partial
	}
	r.Reason = r.reason()
	return r
}

// failing reports whether an endpoint or a part whose failure means s failed.
func (r *Result) failing(s State) bool {
	for i := range r.Endpoints {
		if e := &r.Endpoints[i]; e.counts() && e.Failure == s {
			return true
		}
	}
	for _, f := range r.Parts {
		if !f.OK() && f.failure() == s {
			return true
		}
	}
	return false
}

// judgeRole makes the role's own criteria on an endpoint that passed the common ones.
func (e *Endpoint) judgeRole(mode Mode, cfg Config) {
	for _, c := range e.Role.Criteria {
		if len(c.Modes) > 0 && !slices.Contains(c.Modes, mode) {
			continue
		}
		if cause, why := c.Check(cfg, e.Observation); cause != "" {
			e.Cause, e.Reason = cause, why
			if c.Failure != Healthy {
				e.Failure = c.Failure
			}
			return
		}
	}
}

// criteria checks, in order: the request succeeded with a head (else CauseUnreachable); (Live
// stops here) the chain id is the expected one (CauseWrongChain); the head is not stamped more
// than MaxClockSkew in the future (CauseClockSkew); the head is not older than MaxAge
// (CauseStale); across runs, the head has not been stuck longer than MaxStall
// (CauseStuckAcrossRuns); the head advanced by MinBlocks within the window (CauseStuck). Progress
// within the window is judged only from two samples or more: a window that held one (a request as
// slow as the window) is judged by age alone, and its reason says so. The cause is "" when the
// endpoint passed.
func criteria(mode Mode, cfg Config, o Observation) (Cause, string) {
	if o.Err != nil {
		return CauseUnreachable, o.Err.Error()
	}
	if o.Last == nil {
		return CauseUnreachable, "no head observed"
	}
	h := o.Last
	if mode == Live {
		return "", fmt.Sprintf("answers with head #%d", h.Number)
	}
	if why := chainIDMismatch(cfg, h); why != "" {
		return CauseWrongChain, why
	}
	if cfg.MaxClockSkew > 0 && o.Ahead > cfg.MaxClockSkew {
		return CauseClockSkew, fmt.Sprintf("head #%d is stamped %s in the future (max skew %s): this host's or the node's clock is wrong", h.Number, o.AheadText(), cfg.MaxClockSkew)
	}
	if cfg.MaxAge > 0 && o.Age > cfg.MaxAge {
		return CauseStale, fmt.Sprintf("head #%d is %s old (max %s)", h.Number, o.Age, cfg.MaxAge)
	}
	if cfg.MaxStall > 0 && o.StuckFor > cfg.MaxStall {
		return CauseStuckAcrossRuns, fmt.Sprintf("head stuck at #%d for %s across runs (max %s)", h.Number, beyond(o.StuckFor, cfg.MaxStall), cfg.MaxStall)
	}
	// With no error, every sample returned a head.
	progressJudged := cfg.Interval > 0 && o.Samples >= 2
	if progressJudged && o.Progress < cfg.MinBlocks {
		msg := fmt.Sprintf("head stuck at #%d for %s (want +%d)", h.Number, o.Window.Round(time.Millisecond), cfg.MinBlocks)
		if o.Progress > 0 {
			msg = fmt.Sprintf("head advanced %d of %d blocks in %s, at #%d", o.Progress, cfg.MinBlocks, o.Window.Round(time.Millisecond), h.Number)
		}
		if r := o.Reorg; r != nil {
			if r.From.Number == r.To.Number {
				msg = fmt.Sprintf("block #%d replaced (reorg); %s", r.To.Number, msg)
			} else {
				msg = fmt.Sprintf("head went back from #%d to #%d (reorg); %s", r.From.Number, r.To.Number, msg)
			}
		}
		return CauseStuck, msg
	}
	msg := fmt.Sprintf("head #%d is %s old", h.Number, o.Age)
	switch {
	case progressJudged:
		msg += fmt.Sprintf(", +%d in %s", o.Progress, o.Window.Round(time.Millisecond))
	case cfg.Interval > 0:
		msg += ", " + ProgressNotJudged
	}
	return "", msg
}

// ProgressNotJudged ends the reason of an endpoint whose window held a single sample, so that its
// progress could not be judged (the request took as long as the window).
const ProgressNotJudged = "progress not judged: one sample in the window"

// beyond shows d, which is over limit, with the coarsest precision that still shows it over the
// limit: 1m30s over 20s, but 2.4s over 2s, never "2s (max 2s)". The value shown is never above d.
func beyond(d, limit time.Duration) string {
	for unit := time.Second; unit > 1; unit /= 10 {
		if t := d.Truncate(unit); t > limit {
			return t.String()
		}
	}
	return d.String()
}
