package app

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/headprobe/headprobe/internal/config"
	"github.com/mattn/go-isatty"

	"github.com/headprobe/headprobe/check"
)

// progress shows, on a terminal's stderr, how a long observation window is going: elapsed time
// and blocks seen per endpoint. A nil *Progress shows nothing (off a terminal, short windows, -q).
type Progress struct {
	w      io.Writer
	window time.Duration
	start  time.Time

	mu    sync.Mutex
	seen  map[string]uint64
	order []string
	drawn bool
}

// NewProgress returns a display when the window is longer than a second and stderr is a terminal.
func NewProgress(stderr io.Writer, cfg *config.Config) *Progress {
	return ProgressOn(stderr, cfg, IsTerminal(stderr))
}

// ProgressOn decides on a display for a writer known to be, or not to be, a terminal.
func ProgressOn(w io.Writer, cfg *config.Config, terminal bool) *Progress {
	if cfg.Quiet || cfg.Mode == check.Live || cfg.Check.Interval <= time.Second || !terminal {
		return nil
	}
	return &Progress{w: w, window: cfg.Check.Interval, start: time.Now(), seen: map[string]uint64{}}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// sample returns the hook for one endpoint, or nil when nothing is shown.
func (p *Progress) Sample(name string) func(check.Observation) {
	if p == nil {
		return nil
	}
	p.order = append(p.order, name)
	return func(o check.Observation) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.seen[name] = o.Progress
		parts := []string{fmt.Sprintf("waiting %.1fs of %s", time.Since(p.start).Seconds(), p.window)}
		for _, n := range p.order {
			parts = append(parts, fmt.Sprintf("%s +%d", n, p.seen[n]))
		}
		fmt.Fprintf(p.w, "\r\033[K%s", strings.Join(parts, "  "))
		p.drawn = true
	}
}

// done clears the progress line.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
