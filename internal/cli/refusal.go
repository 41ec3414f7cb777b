package cli

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
)

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
