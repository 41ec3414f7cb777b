package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/report"
)

// Probe runs the check described by cfg, renders the verdict and returns the exit code.
func Probe(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) int {
	show := NewProgress(stderr, cfg)
	s := Open(cfg, stderr, show)
	defer s.Close()
	result := s.Check(ctx)
	show.Done()
	cut := errors.Is(ctx.Err(), context.Canceled)
	if cut {
		result = Interrupted(result, cfg.Mode, cfg.Check)
	}
	s.Record(result, !cut)
	if !cfg.Quiet {
		WarnObservations(stderr, result)
		Render(stdout, cfg, result)
	}
	return result.State.ExitCode()
}

// WarnObservations tells the operator on stderr about heads stamped in the future and fork checks
// not made. A head the verdict failed for clock skew is said once, by the verdict.
func WarnObservations(stderr io.Writer, r check.Result) {
	for _, e := range r.Endpoints {
		if e.Ahead > time.Second && e.Cause != check.CauseClockSkew {
			fmt.Fprintln(stderr, config.Warning("%s head #%d is %s in the future: clock skew between this host and the node (age counted as 0)", e.Role.Name, e.Last.Number, e.AheadText()))
		}
		if c, ok := r.HeadComparison(e.Role.Name); ok && e.Fork != nil && e.Fork.Err != nil {
			fmt.Fprintln(stderr, config.Warning("%s's unsafe head not compared with the %s: the %s's block #%d: %v", e.Role.Name, c.Against.Title, c.Against.Title, e.Fork.Number, e.Fork.Err))
		} else if e.Fork != nil && e.Fork.Err != nil {
			whose := "the L2's" // the older block is the L2's, unless the endpoint is ahead
			if e.Last != nil && e.Last.Number > e.Fork.Number {
				whose = "the " + e.Role.Name + "'s own"
			}
			fmt.Fprintln(stderr, config.Warning("fork check not made: %s block #%d: %v", whose, e.Fork.Number, e.Fork.Err))
		}
	}
}

// Render writes the verdict in the chosen format.
func Render(stdout io.Writer, cfg *config.Config, r check.Result) {
	switch cfg.Output {
	case "json":
		doc := report.Document(r)
		doc.Target, doc.Labels = cfg.Target, FileLabels(cfg.Labels)
		json.NewEncoder(stdout).Encode(doc)
		return
	case "nagios":
		report.Nagios(stdout, r)
		return
	}
	report.Text(stdout, r, cfg.Color && UseColor(stdout))
}

// UseColor is true on a terminal unless NO_COLOR is set.
func UseColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	return IsTerminal(w)
}
