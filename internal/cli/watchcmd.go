package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"syscall"
	"time"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/watch"
)

// watchCommand is `headprobe watch`: the health check, repeated until Ctrl-C and shown live.
// flags are the probe's flags, shared with the other commands.
func watchCommand(flags []cli.Flag, stdout, stderr io.Writer, code *int, dry *dryRun) *cli.Command {
	return &cli.Command{
		Name:  "watch",
		Usage: "repeat the health check every --every and show it live until Ctrl-C (exit 0)",
		Description: "On a terminal, one screen is redrawn in place: heads, blocks per second over the last minute, " +
			"latency, the builder's lag, the verdict and how long it has held, and the last state changes. " +
			"Off a terminal, one log line per check. -o json or nagios prints one document or line per check.",
		Flags: append(slices.Clip(flags), config.EveryFlag()),
		Action: func(c *cli.Context) error {
			*code = watchAction(c, stdout, stderr, dry)
			return nil
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return err },
	}
}

// watchAction runs the watch until the context ends (SIGINT, SIGTERM), then exits 0; a bad
// configuration is refused like the one-shot commands, with exit 3. With dry not nil, it only
// parses the command line into dry.
func watchAction(c *cli.Context, stdout, stderr io.Writer, dry *dryRun) int {
	var cfg *config.Config
	var err error
	if config.IsSet(c, config.FlagTargets) {
		c, cfg, err = config.WatchTarget(c)
	} else {
		cfg, err = config.Parse(c, check.Health)
	}
	var every time.Duration
	if err == nil {
		if every, err = config.Duration(c, config.FlagEvery); err == nil && every <= 0 {
			err = fmt.Errorf("--%s must be greater than zero (specified: %s)", config.FlagEvery, config.Str(c, config.FlagEvery))
		}
	}
	if dry != nil {
		dry.record(c, "watch", cfg, every, err)
		return check.Healthy.ExitCode()
	}
	if err != nil {
		return refuse(c, check.Health, err, stdout)
	}
	// One session for the whole watch: its clients keep their connections between checks.
	sess := app.Open(cfg, stderr, nil)
	defer sess.Close()
	sess.RememberAcrossChecks()
	probe := func(ctx context.Context) check.Result {
		r := sess.Check(ctx)
		if ctx.Err() == nil {
			sess.Record(r, true)
		}
		return r
	}
	out, opts := stdout, watch.Options{Every: every, TTY: app.IsTerminal(stdout), Color: cfg.Color && app.UseColor(stdout), Width: app.TermWidth(stdout)}
	switch {
	case cfg.Quiet:
		out, opts.TTY = io.Discard, false
	case cfg.Output == "json":
		opts.Emit = report.JSON
	case cfg.Output == "nagios":
		opts.Emit = report.Nagios
	}
	if err := watch.Loop(c.Context, check.SystemClock{}, opts, probe, out); err != nil {
		if errors.Is(err, syscall.EPIPE) { // the reader went away (watch … | head): an end like Ctrl-C
			return check.Healthy.ExitCode()
		}
		fmt.Fprintf(stderr, "watch: %v\n", err)
		return check.Unknown.ExitCode()
	}
	return check.Healthy.ExitCode()
}
