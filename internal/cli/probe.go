package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
)

// probe runs the check described by cfg, renders the verdict and returns the exit code.
func probe(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) int {
	show := newProgress(stderr, cfg)
	s := openSession(cfg, stderr, show)
	defer s.close()
	result := s.check(ctx)
	show.done()
	cut := errors.Is(ctx.Err(), context.Canceled)
	if cut {
		result = interrupted(result, cfg.Mode, cfg.Check)
	}
	s.record(result, !cut)
	if !cfg.Quiet {
		warnObservations(stderr, result)
		render(stdout, cfg, result)
	}
	return result.State.ExitCode()
}

// warnObservations tells the operator on stderr about heads stamped in the future and fork checks
// not made. A head the verdict failed for clock skew is said once, by the verdict.
func warnObservations(stderr io.Writer, r check.Result) {
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

// render writes the verdict in the chosen format.
func render(stdout io.Writer, cfg *config.Config, r check.Result) {
	switch cfg.Output {
	case "json":
		doc := report.Document(r)
		doc.Target, doc.Labels = cfg.Target, fileLabels(cfg.Labels)
		json.NewEncoder(stdout).Encode(doc)
		return
	case "nagios":
		report.Nagios(stdout, r)
		return
	}
	report.Text(stdout, r, cfg.Color && useColor(stdout))
}

// useColor is true on a terminal unless NO_COLOR is set.
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// refusal is how a usage or configuration error is reported: the output options, as far as
// they could be read.
type refusal struct {
	quiet            bool
	output, textfile string
}

// refuse reports a configuration error found after the flags were parsed.
func refuse(c *cli.Context, mode check.Mode, err error, stdout io.Writer) int {
	return refusal{quiet: config.Boolean(c, config.FlagQuiet), output: config.Str(c, config.FlagOutput), textfile: config.Str(c, config.FlagTextfile)}.report(mode, err, stdout)
}

// report writes the error as an UNKNOWN verdict: to the textfile when one is named, and on stdout
// in the chosen format unless quiet.
func (o refusal) report(mode check.Mode, err error, stdout io.Writer) int {
	r := check.Result{Mode: mode, State: check.Unknown, Reason: err.Error(), Start: time.Now()}
	if o.textfile != "" {
		report.WriteTextfile(o.textfile, r) // best effort, .prom only: the file says the probe is misconfigured
	}
	if o.quiet {
		return check.Unknown.ExitCode()
	}
	switch strings.ToLower(o.output) {
	case "json":
		report.JSON(stdout, r)
	case "nagios":
		report.Nagios(stdout, r)
	default:
		report.Text(stdout, r, false)
	}
	return check.Unknown.ExitCode()
}

// scanRefusal reads the output options from raw arguments and the environment e, for errors the
// flag parser itself raises (an unknown flag, a number that is not one), when no parsed flags exist.
func scanRefusal(args []string, e config.Environment) refusal {
	quiet, _ := e.Lookup(config.Env(config.FlagQuiet)[0])
	output, _ := e.Lookup(config.Env(config.FlagOutput)[0])
	textfile, _ := e.Lookup(config.Env(config.FlagTextfile)[0])
	o := refusal{quiet: isTrue(quiet), output: output, textfile: textfile}
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			continue
		}
		next := func() string {
			if hasValue {
				return value
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch name {
		case "q", config.FlagQuiet:
			o.quiet = !hasValue || isTrue(value)
		case "o", config.FlagOutput:
			o.output = next()
		case config.FlagTextfile:
			o.textfile = next()
		}
	}
	return o
}

func isTrue(s string) bool {
	b, err := strconv.ParseBool(s)
	return err == nil && b
}
