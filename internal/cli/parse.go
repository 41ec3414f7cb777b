package cli

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/rpc"
)

// ErrNoCheck is Parse's error for a command line that runs no check: --help, --version or a
// completion request.
var ErrNoCheck = errors.New("the command line runs no check (help, version or completion)")

// Plan is what one command line asks headprobe to do, read from the flags and the environment
// exactly as Run reads them and validated as Run validates them, but not run: no endpoint is
// dialled, no file but the secret and TLS files is read.
type Plan struct {
	// Command is health, ready, live, watch or serve.
	Command string
	// Mode is the check's mode; watch repeats the health check.
	Mode check.Mode
	// Check is the verdict's thresholds.
	Check check.Config
	// Timeout is the per-request timeout.
	Timeout time.Duration
	// Bound is a run's hard deadline: the window (interval, none in live), the timeout and a margin.
	Bound time.Duration
	// Every is watch's and serve's period between checks; zero for the one-shot commands.
	Every time.Duration
	// Listen is serve's address, host:port; "" for the other commands.
	Listen string
	// ConductorScope is what serve's /conductor/healthz feeds op-conductor; "" for the other commands.
	ConductorScope string
	// ConductorPeers are serve's --conductor-peers: the other sidecars' /conductor/healthz URLs.
	ConductorPeers []string
	// Builder is true when a builder is judged (health with --builder).
	Builder bool
	// SecretFiles are the JWT secret files the endpoints read (--l2-jwt-secret, --builder-jwt-secret,
	// --op-node-jwt-secret).
	SecretFiles []string
	// Textfile and StateFile are the files the run writes; "" when not given.
	Textfile, StateFile string
	// Output is the format: text, json or nagios.
	Output string
	// Quiet is true when nothing is printed.
	Quiet bool
	// Warnings are the lines the run would print on stderr before probing.
	Warnings []string
	// Target is the targets file's target this plan probes, and Labels its labels (the target's
	// name under "target" among them); "" and nil without --targets.
	Target string
	Labels map[string]string
	// Targets are the plans of every target of --targets without --target, in file order; the
	// fields above are then the run's: its command, output, files and bound (the longest of the
	// targets'), with the first target's thresholds.
	Targets []*Plan
	// MaxConcurrent is --max-concurrent of a run over many targets.
	MaxConcurrent int

	cfg *config.Config
}

// Parse reads the command line args (args[0] is the program's name) with the environment environ
// (NAME=value entries, as os.Environ gives them; the process's own is not read) as Run would, and
// returns what it would run, or the one-line reason Run would refuse it with (ErrNoCheck for help,
// version and completion). Nothing is printed.
func Parse(args, environ []string) (*Plan, error) {
	var out bytes.Buffer
	code := check.Healthy.ExitCode()
	var dry dryRun
	app := newApp(&out, &out, &code, &dry)
	if err := app.RunContext(config.WithEnvironment(context.Background(), config.ListEnv(environ)), args); err != nil {
		return nil, errors.New(rpc.OneLine(err.Error()))
	}
	if !dry.ran {
		return nil, ErrNoCheck
	}
	return dry.plan, dry.err
}

// dryRun is where a parse-only action leaves what it read.
type dryRun struct {
	ran  bool
	plan *Plan
	err  error
}

// record keeps the outcome of parsing the command named command.
func (d *dryRun) record(c *cli.Context, command string, cfg *config.Config, every time.Duration, err error) {
	d.ran, d.err = true, err
	if err != nil {
		return
	}
	p := &Plan{
		Command: command, Mode: cfg.Mode, Check: cfg.Check, Timeout: cfg.Timeout, Bound: config.RunBound(cfg), Every: every,
		Builder:  slices.ContainsFunc(cfg.Endpoints, func(e config.Endpoint) bool { return e.Role.Name == kind.Builder }),
		Textfile: cfg.Textfile, StateFile: cfg.StateFile, Output: cfg.Output, Quiet: cfg.Quiet, Warnings: cfg.Warnings, cfg: cfg,
		Target: cfg.Target, Labels: cfg.Labels,
	}
	p.SecretFiles = cfg.SecretFiles
	d.plan = p
}

// recordFleet keeps the outcome of parsing a command over every target of a targets file.
// contexts are the members' parses, which read their secret files' names.
func (d *dryRun) recordFleet(contexts []*cli.Context, mode check.Mode, members []*config.Config, maxConcurrent int, err error) {
	d.ran, d.err = true, err
	if err != nil {
		return
	}
	var targets []*Plan
	for i, cfg := range members {
		d.record(contexts[i], mode.String(), cfg, 0, nil)
		targets = append(targets, d.plan)
	}
	run := *targets[0]
	run.Bound, run.Targets, run.MaxConcurrent, run.Target, run.Labels = config.FleetBound(members), targets, maxConcurrent, "", nil
	d.plan = &run
}
