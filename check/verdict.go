package check

import (
	"fmt"
	"strings"
	"time"
)

// Endpoint names, as printed and as used in JSON and metrics.
const (
	L2Name      = "l2"
	BuilderName = "builder"
)

// Endpoint is one endpoint's observation and the judgement passed on it.
type Endpoint struct {
	Observation
	// Name is L2Name or BuilderName.
	Name string
	// URL is the endpoint's address with credentials and query redacted.
	URL string
	// OK says whether this endpoint passed the mode's criteria.
	OK bool
	// Reason says why, in a short phrase without the endpoint's name.
	Reason string
	// Fork is the builder's fork check, when one was made.
	Fork *Fork
}

// Result is the verdict of one run.
type Result struct {
	Mode  Mode
	State State
	// Reason is the one-line explanation: the failing endpoints' reasons, L2's first, or a summary when healthy.
	Reason string
	// L2 is always observed; Builder is nil when no builder was given or the mode ignores it.
	L2      Endpoint
	Builder *Endpoint
	// Config is the thresholds the run was judged by.
	Config Config
	// Start is when the run started; Duration how long it took.
	Start    time.Time
	Duration time.Duration
}

// Judge passes the verdict, in rollup-boost's order:
//  1. the L2 failed (error, wrong chain id, stale, not progressing; for Live: no well-formed head) → Unavailable;
//  2. no builder to judge (none given, or Ready/Live) → Healthy;
//  3. the builder failed (the same criteria, then: chain id differs from the L2's, more than
//     MaxBuilderLag blocks behind, on a fork) → Partial;
//  4. otherwise Healthy.
func Judge(mode Mode, cfg Config, l2 Endpoint, builder *Endpoint) Result {
	r := Result{Mode: mode, Config: cfg, L2: judged(mode, cfg, l2), State: Healthy}
	if mode == Health && builder != nil {
		b := judged(mode, cfg, *builder)
		if b.OK {
			if why := consistency(cfg, l2.Observation, b); why != "" {
				b.OK, b.Reason = false, why
			}
		}
		r.Builder = &b
	}
	var failing, passing []string
	for _, e := range r.Endpoints() {
		line := e.Name + " " + e.Reason
		if e.OK {
			passing = append(passing, line)
		} else {
			failing = append(failing, line)
		}
	}
	switch {
	case !r.L2.OK:
		r.State = Unavailable
	case r.Builder != nil && !r.Builder.OK:
		r.State = Partial
	}
	if len(failing) > 0 {
		r.Reason = strings.Join(failing, "; ")
	} else {
		r.Reason = strings.Join(passing, ", ")
	}
	return r
}

// Endpoints lists the judged endpoints, L2 first; none for a run that never reached them.
func (r Result) Endpoints() []Endpoint {
	var out []Endpoint
	if r.L2.Name != "" {
		out = append(out, r.L2)
	}
	if r.Builder != nil {
		out = append(out, *r.Builder)
	}
	return out
}

// judged fills in OK and Reason for one endpoint.
func judged(mode Mode, cfg Config, e Endpoint) Endpoint {
	e.OK, e.Reason = criteria(mode, cfg, e.Observation)
	return e
}

// criteria checks, in order: the request succeeded with a head; (Live stops here) the chain id is
// the expected one; the head is not stamped more than MaxClockSkew in the future; the head is not
// older than MaxAge; across runs, the head has not been stuck longer than MaxStall; the head
// advanced by MinBlocks within the window. Progress within the window is judged only from two
// samples or more: a window that held one (a request as slow as the window) is judged by age alone,
// and its reason says so.
func criteria(mode Mode, cfg Config, o Observation) (bool, string) {
	if o.Err != nil {
		return false, o.Err.Error()
	}
	if o.Last == nil {
		return false, "no head observed"
	}
	h := o.Last
	if mode == Live {
		return true, fmt.Sprintf("answers with head #%d", h.Number)
	}
	if why := chainIDMismatch(cfg, h); why != "" {
		return false, why
	}
	if cfg.MaxClockSkew > 0 && o.Ahead > cfg.MaxClockSkew {
		return false, fmt.Sprintf("head #%d is stamped %s in the future (max skew %s): this host's or the node's clock is wrong", h.Number, o.AheadText(), cfg.MaxClockSkew)
	}
	if cfg.MaxAge > 0 && o.Age > cfg.MaxAge {
		return false, fmt.Sprintf("head #%d is %s old (max %s)", h.Number, o.Age, cfg.MaxAge)
	}
	if cfg.MaxStall > 0 && o.StuckFor > cfg.MaxStall {
		return false, fmt.Sprintf("head stuck at #%d for %s across runs (max %s)", h.Number, beyond(o.StuckFor, cfg.MaxStall), cfg.MaxStall)
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
		return false, msg
	}
	msg := fmt.Sprintf("head #%d is %s old", h.Number, o.Age)
	switch {
	case progressJudged:
		msg += fmt.Sprintf(", +%d in %s", o.Progress, o.Window.Round(time.Millisecond))
	case cfg.Interval > 0:
		msg += ", " + ProgressNotJudged
	}
	return true, msg
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
