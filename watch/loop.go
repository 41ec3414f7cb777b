package watch

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Probe runs one health check. It must return soon after ctx ends and bound its own run time.
type Probe func(ctx context.Context) check.Result

// Options say how often to probe and how to show each result.
type Options struct {
	// Every is the period between the starts of two probes; a probe that overruns it delays the next.
	Every time.Duration
	// TTY redraws one screen in place; otherwise one line is printed per result.
	TTY bool
	// Color paints the state on the screen (never on lines).
	Color bool
	// Width, when set, is the terminal's width in columns, asked at each redraw (a resized
	// terminal is followed): the screen's lines are cut to it.
	Width func() int
	// Emit, when set, writes each result instead of the screen or line (for machine formats).
	Emit func(io.Writer, check.Result) error
}

// Loop watches with a new Watcher on clock: see Watcher.Run.
func Loop(ctx context.Context, clock check.Clock, opts Options, probe Probe, out io.Writer) error {
	return New(clock.Now).Run(ctx, clock, opts, probe, out)
}

// Run probes at once and then on every tick of a clock ticker until ctx ends, observing and
// showing each result. Probes run one at a time on the caller's goroutine; the only helper is the
// ticker. A result that comes back after ctx ended (cut short by Ctrl-C) is dropped. Run returns
// nil when ctx ends, or the first error writing to out.
func (w *Watcher) Run(ctx context.Context, clock check.Clock, opts Options, probe Probe, out io.Writer) error {
	if opts.Every <= 0 {
		return fmt.Errorf("watch period must be greater than zero (specified: %s)", opts.Every)
	}
	ticker := clock.NewTicker(opts.Every)
	defer ticker.Stop()
	for ctx.Err() == nil {
		r := probe(ctx)
		if ctx.Err() != nil {
			return nil
		}
		w.Observe(r)
		if err := w.show(out, opts, r); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-ticker.C():
		}
	}
	return nil
}

// show writes the latest result as the options say.
func (w *Watcher) show(out io.Writer, opts Options, r check.Result) error {
	switch {
	case opts.Emit != nil:
		return opts.Emit(out, r)
	case opts.TTY:
		width := 0
		if opts.Width != nil {
			width = opts.Width()
		}
		return w.ScreenWidth(out, opts.Every, opts.Color, width)
	default:
		return w.Line(out)
	}
}
