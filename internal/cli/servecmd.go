package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/serve"
)

// serveCommand is `headprobe serve`: the health check repeated every --every, its verdicts
// answered over HTTP for Kubernetes' httpGet probes, op-conductor and Prometheus.
// flags are the probe's flags, shared with the other commands.
func serveCommand(flags []cli.Flag, stdout, stderr io.Writer, code *int, dry *dryRun) *cli.Command {
	return &cli.Command{
		Name:  config.ServeName,
		Usage: "repeat the health check every --every and answer /healthz, /readyz, /livez, /conductor/healthz and /metrics over HTTP",
		Description: "GET /healthz: 200 healthy, 206 partial, 503 unavailable, from the latest health check; /readyz " +
			"and /livez: 200 or 503, ready's and live's verdicts on the same observations; /conductor/healthz: " +
			"op-conductor's JSON (--rollup-boost.next-healthcheck-url), the --conductor-scope findings; /-/healthy: 200 while " +
			"the checks run; /metrics: Prometheus. A verdict older than 2 × --every + --interval + --timeout is " +
			"never served: 503 \"no fresh verdict\". SIGTERM, SIGINT or SIGQUIT drains and exits 0; SIGHUP reloads --targets (else it is logged and ignored), SIGUSR1 and SIGUSR2 are logged and ignored.",
		Flags: append(slices.Clip(flags), config.EveryFlag(), config.ListenFlag(), config.MaxProbesFlag(), config.EnableReloadFlag(), config.ConductorScopeFlag(), config.ConductorPeersFlag()),
		Action: func(c *cli.Context) error {
			*code = serveAction(c, stdout, stderr, dry)
			return nil
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return err },
	}
}

// serveAction serves until the context ends (SIGINT, SIGTERM), then exits 0; a bad configuration,
// or an address it cannot listen on, is refused like the one-shot commands, with exit 3 and one
// line. With dry not nil, it only parses the command line into dry.
func serveAction(c *cli.Context, stdout, stderr io.Writer, dry *dryRun) int {
	var cfg *config.Config
	var err error
	switch {
	case config.IsSet(c, config.FlagTargets) && !config.IsSet(c, config.FlagTarget):
		return serveFleetAction(c, stdout, stderr, dry)
	case config.IsSet(c, config.FlagTargets): // one target, served as without the file
		c, cfg, err = config.OneTarget(c, check.Health)
	default:
		cfg, err = config.Parse(c, check.Health)
	}
	var every time.Duration
	listen := config.Str(c, config.FlagListen)
	if err == nil {
		if every, err = config.Duration(c, config.FlagEvery); err == nil && every <= 0 {
			err = fmt.Errorf("--%s must be greater than zero (specified: %s)", config.FlagEvery, config.Str(c, config.FlagEvery))
		}
	}
	if err == nil {
		err = validateListen(listen)
	}
	var feed serve.ConductorFeed
	if err == nil {
		feed, err = conductorFeed(c)
	}
	if dry != nil {
		dry.record(c, config.ServeName, cfg, every, err)
		if dry.plan != nil {
			dry.plan.Listen, dry.plan.ConductorScope, dry.plan.ConductorPeers = listen, feed.Scope, feed.Peers.URLs
		}
		return check.Healthy.ExitCode()
	}
	if err != nil {
		return refuse(c, check.Health, err, stdout)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return refuse(c, check.Health, fmt.Errorf("--%s %s: %v", config.FlagListen, listen, listenError(err)), stdout)
	}
	// One session for the whole run: its clients keep their connections between checks, and its
	// marks judge progress across them, as watch's do.
	sess := app.Open(cfg, stderr, nil)
	defer sess.Close()
	sess.RememberAcrossChecks()
	build, _ := buildInfo()
	srv := serve.New(check.SystemClock{}, serve.Options{
		Every: every, Window: cfg.Check.Interval, Timeout: cfg.Timeout, Build: build, Conductor: feed,
		OnChange: func(r check.Result) { logVerdict(stdout, cfg, r) },
	})
	probe := func(ctx context.Context) (r check.Result) {
		defer app.RecoverAsUnknown(&r, check.Health, cfg.Check)
		r = sess.Check(ctx)
		if ctx.Err() == nil {
			sess.Record(r, true)
		}
		return r
	}
	if !cfg.Quiet {
		fmt.Fprintf(stderr, "headprobe serve: answering on http://%s (checks every %s; a verdict older than %s is not served)\n",
			ln.Addr(), every, serve.StaleAfter(every, cfg.Check.Interval, cfg.Timeout))
	}
	stopSignals, logEnd := serveSignals(stderr, cfg.Quiet, nil)
	defer stopSignals()
	ctx, stop := context.WithCancel(c.Context)
	defer stop()
	served := make(chan error, 1)
	go func() {
		served <- serve.Serve(ctx, ln, srv.Handler())
		stop() // the server failed: stop checking too
	}()
	srv.Run(ctx, probe)
	err = <-served
	logEnd()
	if err != nil {
		fmt.Fprintln(stdout, report.Headline(check.Result{State: check.Unknown, Reason: "serve: " + err.Error()}))
		return check.Unknown.ExitCode()
	}
	return check.Healthy.ExitCode()
}

// validateListen checks that the address is HOST:PORT with a port number (the host may be empty:
// every interface).
func validateListen(addr string) error {
	bad := fmt.Errorf("--%s must be HOST:PORT, e.g. 127.0.0.1:8080 or :8080 (specified: %q)", config.FlagListen, addr)
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return bad
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return bad
	}
	return nil
}

// listenError is the system's reason a listen failed ("address already in use"), without the
// repetition of the address.
func listenError(err error) error {
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		return sys.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// logVerdict writes a health verdict that changed the state on stdout, unless quiet: in text the
// time and the first line, else the chosen format's document or line.
func logVerdict(stdout io.Writer, cfg *config.Config, r check.Result) {
	switch {
	case cfg.Quiet:
	case cfg.Output == "json":
		report.JSON(stdout, r)
	case cfg.Output == "nagios":
		report.Nagios(stdout, r)
	default:
		fmt.Fprintf(stdout, "%s %s\n", r.Start.UTC().Format(time.RFC3339), report.Headline(r))
	}
}
