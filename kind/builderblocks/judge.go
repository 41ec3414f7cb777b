package builderblocks

import (
	"fmt"
	"time"

	"github.com/headprobe/headprobe/check"
)

// sighting is what one run saw of the builder's blocks.
type sighting struct {
	opts Options
	// noHead: the L2 gave no head in the run, so no window was read.
	noHead bool
	err    error
	count  Count
	// last is the newest block seen carrying the builder's transaction, in this run or an earlier
	// one of the same process; lastAge its age when this run read the window.
	last    *Block
	lastAge time.Duration
}

// Judge, in order: the L2 gave no head → unreachable, nothing counted; the window could not be
// read → unreachable (the transport's class, too_large at the body cap); fewer than Min of the
// blocks counted carry the builder's transaction → builder_blocks_missing. Min is lowered to the
// number of blocks counted when the chain is younger than the window (or a reorg shortened it).
// Every failure is Partial, and none counts while rollup-boost's execution mode is disabled (it
// uses no builder block) or with Min 0 (the count is only shown).
func (s *sighting) Judge(_ check.Mode, _ check.Config, r *check.Result) check.Finding {
	d := &Detail{Marks: s.opts.Marks, Asked: s.opts.Window, Min: s.opts.Min, Err: s.err, Last: s.last, LastAge: s.lastAge}
	if !s.noHead && s.err == nil {
		cnt := s.count
		d.Count = &cnt
	}
	f := check.Finding{Role: Role, Detail: d}
	switch {
	case s.noHead:
		f.Cause, f.Reason = check.CauseUnreachable, fmt.Sprintf("not counted: the %s gave no head", s.opts.Against.Title)
	case s.err != nil:
		f.Cause, f.Reason = check.CauseUnreachable, fmt.Sprintf("not counted: the %s's last %d blocks: %s", s.opts.Against.Title, s.opts.Window, s.err)
	case s.count.Window == 0:
		f.Reason = "nothing to count: " + s.count.Short
	case s.count.Landed < min(s.opts.Min, s.count.Window):
		f.Cause, f.Reason = CauseMissing, s.missing()
	default:
		f.Reason = d.short()
	}
	if f.Cause == "" {
		return f
	}
	if s.opts.Min == 0 {
		f.Note, f.Cause, f.Reason = f.Reason+" (not judged: --min-builder-blocks 0)", "", d.short()
		return f
	}
	if why := waived(r); why != "" {
		d.Waived = why
		f.Cause, f.Reason = "", f.Reason+" (not counted: "+why+")"
	}
	return f
}

// missing is the reason of too few builder blocks: "no L2 block of the last 10 came from the
// builder; the last one was #1234, 41s ago".
func (s *sighting) missing() string {
	c, title := s.count, s.opts.Against.Title
	var why string
	if c.Landed == 0 {
		why = fmt.Sprintf("no %s block of the last %d came from the builder", title, c.Window)
	} else {
		why = fmt.Sprintf("%d of the %s's last %d blocks came from the builder (min %d)", c.Landed, title, c.Window, min(s.opts.Min, c.Window))
	}
	if c.Short != "" {
		why += " (" + c.Short + ")"
	}
	switch {
	case s.last != nil:
		why += fmt.Sprintf("; the last one was #%d, %s ago", s.last.Number, s.lastAge)
	case c.Landed == 0:
		why += "; none seen since headprobe started"
	}
	return why
}

// waived is why no builder block is expected, as a part judged before this one says (rollup-boost
// with its execution mode disabled), or "".
func waived(r *check.Result) string {
	for _, f := range r.Parts {
		if w, ok := f.Detail.(check.BuilderWaiver); ok {
			if why := w.BuilderWaived(); why != "" {
				return why
			}
		}
	}
	return ""
}
