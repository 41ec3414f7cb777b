package cli

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/serve"
)

// fleetServeIgnored are the flags that serve --targets does not use: each request runs a fresh
// one-shot check (no loop, no history), and the series are served, not written.
var fleetServeIgnored = []string{config.FlagEvery, config.FlagTextfile, config.FlagStateFile, config.FlagMaxConcurrent}

// fleetServeIgnores warns of each flag given (command line or environment) that serve --targets
// ignores, so that a --textfile or a --state-file is never dropped without a word.
func fleetServeIgnores(c *cli.Context) []string {
	var out []string
	for _, name := range fleetServeIgnored {
		if config.IsSet(c, name) {
			out = append(out, config.Warning("--%s is not used by serve --targets (each /probe runs a fresh one-shot check; its series are served on /probe, not written); ignored", name))
		}
	}
	return out
}

// fleetModes are the modes a target may be probed in, each parsed as its own command would be.
var fleetModes = [...]check.Mode{check.Health, check.Ready, check.Live}

// serveFleetAction is `headprobe serve --targets FILE`: each target checked afresh on request
// (GET /probe?target=NAME), the blackbox_exporter's way, at most --max-concurrent-probes at once;
// the file is read anew on SIGHUP and POST /-/reload. A bad file at start is exit 3.
func serveFleetAction(c *cli.Context, stdout, stderr io.Writer, dry *dryRun) int {
	listen := config.Str(c, config.FlagListen)
	err := validateListen(listen)
	var maxProbes uint64
	if err == nil {
		if maxProbes, err = config.Whole(c, config.FlagMaxProbes); err == nil && maxProbes == 0 {
			err = fmt.Errorf("--%s must be at least 1 (specified: 0)", config.FlagMaxProbes)
		}
	}
	var feed serve.ConductorFeed
	if err == nil {
		feed, err = conductorFeed(c)
	}
	var members []*config.Config
	var contexts []*cli.Context
	var all []servedConfigs
	if err == nil {
		members, contexts, all, err = loadServedTargets(c)
	}
	if dry != nil {
		dry.recordFleet(contexts, check.Health, members, int(min(maxProbes, 1<<20)), err)
		if dry.plan != nil {
			dry.plan.Command, dry.plan.Listen, dry.plan.ConductorScope = config.ServeName, listen, feed.Scope
			dry.plan.Warnings = append(dry.plan.Warnings, fleetServeIgnores(c)...)
		}
		return check.Healthy.ExitCode()
	}
	if err != nil {
		return refuse(c, check.Health, err, stdout)
	}
	quiet := members[0].Quiet
	warn := func(msg string) {
		if !quiet {
			fmt.Fprintln(stderr, msg)
		}
	}
	for _, w := range fleetServeIgnores(c) {
		warn(w)
	}
	load := func() (serve.Targets, func(), error) {
		members, _, all, err := loadServedTargets(c)
		if err != nil {
			return nil, nil, err
		}
		targets, close := servedTargets(members, all, warn)
		return targets, close, nil
	}
	targets, close := servedTargets(members, all, warn)
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		close()
		return refuse(c, check.Health, fmt.Errorf("--%s %s: %v", config.FlagListen, listen, listenError(err)), stdout)
	}
	build, _ := buildInfo()
	fleet := serve.NewFleet(check.SystemClock{}, targets, close, serve.FleetOptions{
		MaxConcurrent: int(min(maxProbes, 1<<20)), Load: load, Build: build, EnableReload: config.Boolean(c, config.FlagEnableReload), Conductor: feed,
		Warn: func(msg string) { warn(config.Warning("%s", msg)) },
	})
	defer fleet.Close()
	stopSignals, logEnd := serveSignals(stderr, config.Boolean(c, config.FlagQuiet), func() { fleet.Reload() }) // a failed reload is warned about
	defer stopSignals()
	defer logEnd()
	warn(fmt.Sprintf("headprobe serve: answering on http://%s for %d targets of %s (GET /probe?target=NAME; at most %d checks at once)",
		ln.Addr(), len(targets), config.Str(c, config.FlagTargets), maxProbes))
	if err := serve.Serve(c.Context, ln, fleet.Handler()); err != nil {
		fmt.Fprintln(stdout, report.Headline(check.Result{State: check.Unknown, Reason: "serve: " + err.Error()}))
		return check.Unknown.ExitCode()
	}
	return check.Healthy.ExitCode()
}

// servedConfigs are a target's configurations, one per mode, each parsed as its command's.
type servedConfigs map[check.Mode]*config.Config

// loadServedTargets reads the targets file and parses each target's configuration for health,
// ready and live: a bad one refuses the whole file. members are the health ones, with their parses.
func loadServedTargets(c *cli.Context) (members []*config.Config, contexts []*cli.Context, all []servedConfigs, err error) {
	file, err := config.LoadTargets(config.Str(c, config.FlagTargets))
	if err != nil {
		return nil, nil, nil, err
	}
	for _, t := range file.Targets {
		byMode := servedConfigs{}
		for _, mode := range fleetModes {
			tc, cfg, err := file.ParseTarget(c, t, mode)
			if err != nil {
				return nil, nil, nil, err
			}
			byMode[mode] = cfg
			if mode == check.Health {
				members, contexts = append(members, cfg), append(contexts, tc)
			}
		}
		all = append(all, byMode)
	}
	return members, contexts, all, nil
}

// servedTargets makes the fleet's targets, one session per target and mode (their clients keep
// their connections from one request to the next), after warning about their configurations;
// close releases them.
func servedTargets(members []*config.Config, all []servedConfigs, warn func(string)) (serve.Targets, func()) {
	configured := make([][]string, len(members))
	for i, cfg := range members {
		configured[i] = cfg.Warnings
	}
	for _, w := range app.FleetWarnings(members, configured) {
		warn(w)
	}
	targets := serve.Targets{}
	var sessions []*app.Session
	for i, cfg := range members {
		byMode := map[check.Mode]*app.Session{}
		for _, mode := range fleetModes {
			own := *all[i][mode]
			own.StateFile, own.Textfile, own.Warnings = "", "", nil // a fresh one-shot check each time
			s := app.Open(&own, io.Discard, nil)
			byMode[mode] = s
			sessions = append(sessions, s)
		}
		targets[cfg.Target] = serve.Target{
			Bound:  config.RunBound(cfg),
			Labels: app.FileLabels(cfg.Labels),
			Probe: func(ctx context.Context, mode check.Mode) (r check.Result) {
				defer app.RecoverAsUnknown(&r, mode, cfg.Check)
				return byMode[mode].Check(ctx)
			},
		}
	}
	return targets, func() {
		for _, s := range sessions {
			s.Close()
		}
	}
}
