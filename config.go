package main

import (
	"crypto/tls"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// config is everything a run needs, validated before any network I/O.
type config struct {
	mode      check.Mode
	check     check.Config
	timeout   time.Duration
	l2        endpoint
	builder   *endpoint // nil: no builder given, or a mode that ignores it
	output    string
	color     bool
	quiet     bool
	warnings  []string    // printed on stderr before the run
	textfile  string      // Prometheus textfile to write, or ""
	stateFile string      // where heads are remembered between runs, or ""
	tls       *tls.Config // shared by both endpoints; nil = system defaults
}

// endpoint is one validated endpoint.
type endpoint struct {
	name string
	url  string
	opts rpc.Options
}

// parseConfig turns flags and environment into a config, naming the flag and value of the first problem.
func parseConfig(c *cli.Context, mode check.Mode) (*config, error) {
	if c.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (commands: health, ready, live, watch)", c.Args().First())
	}
	cfg := &config{mode: mode}
	var err error
	switch cfg.output = strings.ToLower(str(c, flagOutput)); cfg.output {
	case "text", "json", "nagios":
	default:
		return nil, fmt.Errorf("--%s must be text, json or nagios (specified: %q)", flagOutput, str(c, flagOutput))
	}
	if cfg.textfile = str(c, flagTextfile); cfg.textfile != "" && !strings.HasSuffix(cfg.textfile, ".prom") {
		return nil, fmt.Errorf("--%s must end in .prom, or node_exporter will not read it (specified: %q)", flagTextfile, cfg.textfile)
	}
	cfg.quiet = boolean(c, flagQuiet)
	cfg.color = !boolean(c, flagNoColor)
	if cfg.check.MaxAge, err = duration(c, flagMaxUnsafe); err != nil {
		return nil, err
	}
	if cfg.check.Interval, err = duration(c, flagInterval); err != nil {
		return nil, err
	}
	if cfg.timeout, err = duration(c, flagTimeout); err != nil {
		return nil, err
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("--%s must be greater than zero (specified: %s)", flagTimeout, cfg.timeout)
	}
	cfg.check.MinBlocks = pick(c, flagMinBlocks).Uint64(flagMinBlocks)
	if ctx := pick(c, flagMaxLag); ctx.IsSet(flagMaxLag) {
		lag := ctx.Uint64(flagMaxLag)
		cfg.check.MaxBuilderLag = &lag
	}
	cfg.check.CheckFork = boolean(c, flagCheckFork)
	if cfg.stateFile = str(c, flagStateFile); cfg.stateFile == "" && pick(c, flagMaxStall).IsSet(flagMaxStall) {
		return nil, fmt.Errorf("--%s needs --%s: progress across runs is judged from the state file", flagMaxStall, flagStateFile)
	}
	if cfg.stateFile != "" {
		cfg.check.MaxStall = cfg.check.MaxAge
		if pick(c, flagMaxStall).IsSet(flagMaxStall) {
			if cfg.check.MaxStall, err = duration(c, flagMaxStall); err != nil {
				return nil, err
			}
		}
		if cfg.check.MaxStall == 0 {
			return nil, fmt.Errorf("--%s needs --%s (or --%s) greater than zero", flagStateFile, flagMaxStall, flagMaxUnsafe)
		}
	}
	if ctx := pick(c, flagChainID); ctx.IsSet(flagChainID) {
		if cfg.check.ChainID = ctx.Uint64(flagChainID); cfg.check.ChainID == 0 {
			return nil, fmt.Errorf("--%s must be a chain id greater than zero (specified: 0)", flagChainID)
		}
	}
	if err := cfg.check.Validate(); err != nil {
		return nil, err
	}
	if cfg.tls, err = (rpc.TLSFiles{
		CA: str(c, flagTLSCA), Cert: str(c, flagTLSCert), Key: str(c, flagTLSKey), ServerName: str(c, flagTLSServerName),
	}).Config(); err != nil {
		return nil, err
	}
	l2, err := cfg.endpoint(c, check.L2Name, flagL2, flagL2Secret, flagL2Header)
	if err != nil {
		return nil, err
	}
	if l2 == nil {
		return nil, fmt.Errorf("--%s is required (or %s)", flagL2, env(flagL2)[0])
	}
	cfg.l2 = *l2
	if mode == check.Health { // ready and live ignore the builder's flags entirely
		if cfg.builder, err = cfg.endpoint(c, check.BuilderName, flagBuilder, flagBuilderSecret, flagBuilderHeader); err != nil {
			return nil, err
		}
	}
	if mode == check.Health && cfg.builder == nil && (cfg.check.CheckFork || cfg.check.MaxBuilderLag != nil) {
		cfg.warnings = append(cfg.warnings, fmt.Sprintf("warning: --%s and --%s judge a builder, and no --%s is given", flagCheckFork, flagMaxLag, flagBuilder))
	}
	// Chain ids are compared when asked for, and always between an L2 and its builder.
	if cfg.check.ChainID != 0 || cfg.builder != nil {
		cfg.l2.opts.ChainID = true
		if cfg.builder != nil {
			cfg.builder.opts.ChainID = true
		}
	}
	return cfg, nil
}

// endpoint validates one endpoint's URL and secret file; nil when its URL flag is empty.
func (cfg *config) endpoint(c *cli.Context, name, urlFlag, secretFlag, headerFlag string) (*endpoint, error) {
	url := strings.TrimSpace(str(c, urlFlag))
	secretFile := str(c, secretFlag)
	if url == "" {
		return nil, nil
	}
	if err := rpc.ValidateURL(url); err != nil {
		return nil, fmt.Errorf("--%s %v", urlFlag, err)
	}
	headers, err := rpc.ParseHeaders(pick(c, headerFlag).StringSlice(headerFlag))
	if err != nil {
		return nil, fmt.Errorf("--%s: %v", headerFlag, err)
	}
	e := &endpoint{name: name, url: url, opts: rpc.Options{Timeout: cfg.timeout, Headers: headers, TLS: cfg.tls}}
	if secretFile != "" {
		secret, warning, err := rpc.ReadSecretFile(secretFile)
		if err != nil {
			return nil, fmt.Errorf("--%s: %v", secretFlag, err)
		}
		if warning != "" {
			cfg.warnings = append(cfg.warnings, "warning: --"+secretFlag+": "+warning)
		}
		e.opts.JWTSecret = secret
	}
	return e, nil
}

// pick is the context whose value of the flag counts: the innermost one that set it (on the
// command line or from the environment), so flags work before and after the command name.
func pick(c *cli.Context, name string) *cli.Context {
	for _, ctx := range c.Lineage() {
		if isSet(ctx, name) {
			return ctx
		}
	}
	return c
}

func str(c *cli.Context, name string) string   { return pick(c, name).String(name) }
func boolean(c *cli.Context, name string) bool { return pick(c, name).Bool(name) }

// duration parses a duration flag; a bare integer means seconds, like rollup-boost's MAX_UNSAFE_INTERVAL.
func duration(c *cli.Context, name string) (time.Duration, error) {
	return parseDuration(name, str(c, name))
}

// parseDuration parses the value of the duration flag name.
func parseDuration(name, value string) (time.Duration, error) {
	s := strings.TrimSpace(value)
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("--%s must be a duration such as 10s or 500ms, or whole seconds (specified: %q)", name, s)
	}
	if d < 0 {
		return 0, fmt.Errorf("--%s must not be negative (specified: %s)", name, s)
	}
	return d, nil
}
