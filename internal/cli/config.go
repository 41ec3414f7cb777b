package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/rpc"
)

// config is everything a run needs, validated before any network I/O.
type config struct {
	mode    check.Mode
	check   check.Config
	timeout time.Duration
	// endpoints are the endpoints to judge, in the judging order the kinds declare (kind.Source's
	// Rank): the L2 first, then op-node and the builder when given and the mode judges them.
	endpoints []endpoint
	relations []check.Relation // the checks between two endpoints' roles, in the registry's order
	// parts are the parts to judge, in their declared judging order (kind.Part's Rank).
	parts       []kind.Part
	secretFiles []string // the JWT secret files the endpoints read
	output      string
	color       bool
	quiet       bool
	warnings    []string    // printed on stderr before the run
	textfile    string      // Prometheus textfile to write, or ""
	stateFile   string      // where heads are remembered between runs, or ""
	tls         *tls.Config // shared by every endpoint; nil = system defaults

	// target is the targets file's target the run probes, labels its textfile series' constant
	// labels (its name and the file's labels); "" and nil without --targets.
	target string
	labels map[string]string
}

// endpoint is one validated endpoint.
type endpoint struct {
	role check.Role
	url  string
	opts rpc.Options
	// source makes the endpoint's source; nil: an execution client's (rpc.New).
	source func(url string, opts rpc.Options) check.Source
}

// parseConfig turns flags and environment into a config, naming the flag and value of the first
// problem in one line. A flag on the command line, before or after the command, makes its
// environment variable irrelevant.
func parseConfig(c *cli.Context, mode check.Mode) (cfg *config, err error) {
	defer func() {
		if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
			err = errors.New(rpc.OneLine(err.Error())) // a value brought in a line break
		}
	}()
	if c.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (commands: health, ready, live, watch, serve)", c.Args().First())
	}
	cfg = &config{mode: mode, warnings: unreadWarnings(c, mode)}
	if isSet(c, flagTarget) && !isSet(c, flagTargets) {
		return nil, fmt.Errorf("--%s names a target of --%s, and no --%s is given", flagTarget, flagTargets, flagTargets)
	}
	switch cfg.output = strings.ToLower(str(c, flagOutput)); cfg.output {
	case "text", "json", "nagios":
	default:
		return nil, fmt.Errorf("--%s must be text, json or nagios (specified: %q)", flagOutput, str(c, flagOutput))
	}
	if cfg.textfile = str(c, flagTextfile); cfg.textfile != "" && !report.IsTextfileName(cfg.textfile) {
		return nil, fmt.Errorf("--%s must end in %s, or node_exporter will not read it (specified: %q)", flagTextfile, report.TextfileSuffix, cfg.textfile)
	}
	if cfg.quiet, err = flagBool(c, flagQuiet); err != nil {
		return nil, err
	}
	if !cfg.quiet { // under -q no warning is printed: the environment is not searched for misspellings
		cfg.warnings = append(unknownEnvWarnings(environmentOf(c)), cfg.warnings...)
	}
	noColor, err := flagBool(c, flagNoColor)
	if err != nil {
		return nil, err
	}
	cfg.color = !noColor
	if cfg.check.MaxAge, err = parseDuration(flagMaxUnsafe, readOr(c, mode, flagMaxUnsafe)); err != nil {
		return nil, err
	}
	if cfg.check.Interval, err = parseDuration(flagInterval, readOr(c, mode, flagInterval)); err != nil {
		return nil, err
	}
	if cfg.timeout, err = duration(c, flagTimeout); err != nil {
		return nil, err
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("--%s must be greater than zero (specified: %s)", flagTimeout, cfg.timeout)
	}
	// live judges one sample of the L2 whatever its age: the rules of the window, progress and the
	// state file are not its, so one environment block for every probe of a pod cannot fail it.
	judgesProgress := mode != check.Live
	if judgesProgress && cfg.check.Interval > 0 && cfg.check.Interval < cfg.timeout {
		return nil, fmt.Errorf("--%s %s is shorter than --%s %s: the window could hold only one sample; use --%s ≥ --%s",
			flagInterval, cfg.check.Interval, flagTimeout, cfg.timeout, flagInterval, flagTimeout)
	}
	if cfg.check.MaxClockSkew, err = parseDuration(flagMaxClockSkew, readOr(c, mode, flagMaxClockSkew)); err != nil {
		return nil, err
	}
	if cfg.check.MinBlocks, err = parseWhole(flagMinBlocks, readOr(c, mode, flagMinBlocks)); err != nil {
		return nil, err
	}
	if judgesProgress && cfg.check.MinBlocks == 0 { // no window nor state file can judge progress of zero blocks
		return nil, fmt.Errorf("--%s must be at least 1 (specified: 0)", flagMinBlocks)
	}
	// watch and serve keep their marks in memory from one check to the next, so they judge
	// progress across checks with or without a state file.
	watching := c.Command != nil && (c.Command.Name == "watch" || c.Command.Name == serveName)
	if judgesProgress {
		cfg.stateFile = str(c, flagStateFile)
	}
	if judgesProgress && cfg.stateFile == "" && !watching && isSet(c, flagMaxStall) {
		return nil, fmt.Errorf("--%s needs --%s: progress across runs is judged from the state file", flagMaxStall, flagStateFile)
	}
	if cfg.stateFile != "" || watching {
		cfg.check.MaxStall = cfg.check.MaxAge
		if isSet(c, flagMaxStall) {
			if cfg.check.MaxStall, err = duration(c, flagMaxStall); err != nil {
				return nil, err
			}
		}
		if cfg.check.MaxStall == 0 && cfg.stateFile != "" {
			return nil, fmt.Errorf("--%s needs --%s (or --%s) greater than zero", flagStateFile, flagMaxStall, flagMaxUnsafe)
		}
	}
	if reads(mode, flagChainID) && isSet(c, flagChainID) {
		if cfg.check.ChainID, err = whole(c, flagChainID); err != nil {
			return nil, err
		}
		if cfg.check.ChainID == 0 {
			return nil, fmt.Errorf("--%s must be a chain id greater than zero (specified: 0)", flagChainID)
		}
	}
	if err := cfg.check.Validate(); err != nil {
		return nil, err
	}
	tlsFiles := rpc.TLSFiles{
		CA: str(c, flagTLSCA), Cert: str(c, flagTLSCert), Key: str(c, flagTLSKey), ServerName: str(c, flagTLSServerName),
	}
	if cfg.tls, err = tlsFiles.Config(); err != nil {
		return nil, err
	}
	if w := tlsFiles.KeyWarning(); w != "" {
		cfg.warnings = append(cfg.warnings, warning("--%s: %s", flagTLSKey, w))
	}
	if err := cfg.planKinds(c); err != nil {
		return nil, err
	}
	allIPC := true
	for _, e := range cfg.endpoints {
		allIPC = allIPC && isIPC(e.url)
	}
	for _, p := range cfg.parts {
		allIPC = allIPC && (p.URL == "" || isIPC(p.URL))
	}
	if cfg.tls != nil && allIPC {
		cfg.warnings = append(cfg.warnings, warning("the --tls-* flags are ignored for an IPC endpoint (TLS is for https and wss)"))
	}
	if c.Command.Name != "watch" && c.Command.Name != serveName && onCommandLine(c, flagEvery) != nil {
		cfg.warnings = append(cfg.warnings, warning("--%s is for watch and serve; %s ignores it", flagEvery, mode))
	}
	if c.Command.Name != serveName && onCommandLine(c, flagListen) != nil {
		cfg.warnings = append(cfg.warnings, warning("--%s is for serve; %s ignores it", flagListen, c.Command.Name))
	}
	for _, name := range []string{flagConductorScope, flagConductorPeers} {
		if c.Command.Name != serveName && onCommandLine(c, name) != nil {
			cfg.warnings = append(cfg.warnings, warning("--%s is for serve; %s ignores it", name, c.Command.Name))
		}
	}
	return cfg, nil
}

// endpoint validates one endpoint's URL and secret file; nil when its URL flag is empty.
func (cfg *config) endpoint(c *cli.Context, role check.Role, urlFlag, secretFlag, headerFlag string) (*endpoint, error) {
	url := strings.TrimSpace(str(c, urlFlag))
	secretFile := ""
	if secretFlag != "" { // the parts have no JWT
		secretFile = str(c, secretFlag)
	}
	if url == "" {
		return nil, nil
	}
	if err := rpc.ValidateURL(url); err != nil {
		return nil, fmt.Errorf("--%s %v", urlFlag, err)
	}
	lines, err := headerLines(c, headerFlag)
	if err != nil {
		return nil, err
	}
	headers, err := rpc.ParseHeaders(lines)
	if err != nil {
		return nil, fmt.Errorf("--%s: %v", headerFlag, err)
	}
	if isIPC(url) {
		for _, f := range []struct {
			flag  string
			given bool
		}{{secretFlag, secretFile != ""}, {headerFlag, len(lines) > 0}} {
			if f.given {
				cfg.warnings = append(cfg.warnings, warning("--%s is ignored for an IPC endpoint (%s is a local socket, without HTTP)", f.flag, role.Name))
			}
		}
	}
	e := &endpoint{role: role, url: url, opts: rpc.Options{Timeout: cfg.timeout, Headers: headers, TLS: cfg.tls}}
	if secretFile != "" {
		secret, w, err := rpc.ReadSecretFile(secretFile)
		if err != nil {
			return nil, fmt.Errorf("--%s: %v", secretFlag, err)
		}
		if w != "" {
			cfg.warnings = append(cfg.warnings, warning("--%s: %s", secretFlag, w))
		}
		e.opts.JWTSecret = secret
		cfg.secretFiles = append(cfg.secretFiles, secretFile)
	}
	return e, nil
}

// onCommandLine is the innermost context whose command line gave the flag, or nil. The parser reads
// no environment (see cmdString), so IsSet means the command line.
func onCommandLine(c *cli.Context, name string) *cli.Context {
	for _, ctx := range c.Lineage() {
		if setHere(ctx, name) {
			return ctx
		}
	}
	return nil
}

// fromEnv is the flag's environment variable with surrounding white space trimmed, the same for
// every flag; a variable unset or blank counts as absent.
func fromEnv(c *cli.Context, name string) (string, bool) {
	return environmentOf(c).lookup(env(name)[0])
}

// isSet is true when the command line, the environment or the targets file gives the flag.
func isSet(c *cli.Context, name string) bool {
	_, inEnv := fromEnv(c, name)
	_, inFile := fromFile(c, name)
	return inEnv || inFile || onCommandLine(c, name) != nil
}

// str is the flag's value: from the command line in any context, else the environment, else the
// targets file, else the default.
func str(c *cli.Context, name string) string {
	if ctx := onCommandLine(c, name); ctx != nil {
		return ctx.String(name)
	}
	if v, ok := fromEnv(c, name); ok {
		return v
	}
	if v, ok := fromFile(c, name); ok {
		return v.text
	}
	return c.String(name)
}

// boolean is the flag's value, false when its environment variable is not a boolean.
func boolean(c *cli.Context, name string) bool {
	b, _ := flagBool(c, name)
	return b
}

// flagBool is a boolean flag's value, as str finds it.
func flagBool(c *cli.Context, name string) (bool, error) {
	if ctx := onCommandLine(c, name); ctx != nil {
		return ctx.Bool(name), nil
	}
	v, ok := fromEnv(c, name)
	if !ok {
		if v, inFile := fromFile(c, name); inFile {
			b, err := strconv.ParseBool(v.text)
			if err != nil {
				return false, fmt.Errorf("--%s must be true or false (specified: %q)", name, v.text)
			}
			return b, nil
		}
		return c.Bool(name), nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false (specified: %q)", env(name)[0], v)
	}
	return b, nil
}

// whole parses a flag whose value is a whole number.
func whole(c *cli.Context, name string) (uint64, error) {
	return parseWhole(name, str(c, name))
}

// parseWhole parses the value of the whole-number flag name.
func parseWhole(name, value string) (uint64, error) {
	s := strings.TrimSpace(value)
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("--%s must be a whole number (specified: %q)", name, s)
	}
	return n, nil
}

// headerLines are a header flag's values: each given on the command line, which must be one line
// (a line break would smuggle in another header; the parser keeps the value whole); else the environment's, one per non-blank line.
func headerLines(c *cli.Context, name string) ([]string, error) {
	if ctx := onCommandLine(c, name); ctx != nil {
		values := ctx.StringSlice(name)
		for i, v := range values {
			if strings.ContainsAny(v, "\r\n") {
				return nil, fmt.Errorf("--%s: header %d of %d holds a line break (CR or LF); give each header its own --%s", name, i+1, len(values), name)
			}
			values[i] = strings.TrimSpace(v)
		}
		return values, nil
	}
	v, inEnv := fromEnv(c, name)
	if f, inFile := fromFile(c, name); !inEnv && inFile {
		return f.list, nil // one line each, as loadTargets checked
	}
	var lines []string
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines, nil
}

// isIPC is true for an endpoint address that is an IPC socket path.
func isIPC(url string) bool { return strings.HasPrefix(url, "/") }

// duration parses a duration flag; a bare integer means seconds, like rollup-boost's MAX_UNSAFE_INTERVAL.
func duration(c *cli.Context, name string) (time.Duration, error) {
	return parseDuration(name, str(c, name))
}

// A duration flag is at most a day: a run, a request or a period between checks longer than that
// is a typo, and the run's bound (interval + timeout + margin) and serve's freshness rule (a few
// periods) must not overflow. The ages judged may be longer: up to a week.
const (
	maxDuration    = 24 * time.Hour
	maxAgeDuration = 7 * 24 * time.Hour
)

// durationSyntax is what time.ParseDuration reads (without a sign); it refuses a value it cannot
// hold with the same error as garbage.
// Compiled on first use: only a refused value needs it.
var durationSyntax = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\+?([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$`)
})

// durationLimit is the longest value the duration flag name takes: maxAgeDuration for an age
// (kind.Flag's Long), else maxDuration.
func durationLimit(name string) time.Duration {
	if _, byName := flagTable(); byName[name].Long {
		return maxAgeDuration
	}
	return maxDuration
}

// parseDuration parses the value of the duration flag name: a Go duration, or whole seconds.
func parseDuration(name, value string) (time.Duration, error) {
	s := strings.TrimSpace(value)
	limit := durationLimit(name)
	tooLong := func() error {
		return fmt.Errorf("--%s is too long: at most %s, %d seconds (specified: %s)", name, strings.TrimSuffix(limit.String(), "0m0s"), limit/time.Second, s)
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || n > uint64(limit/time.Second) {
			return 0, tooLong()
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if durationSyntax().MatchString(s) { // well formed, but beyond what a time.Duration holds
			return 0, tooLong()
		}
		return 0, fmt.Errorf("--%s must be a duration such as 10s or 500ms, or whole seconds (specified: %q)", name, s)
	}
	if d < 0 {
		return 0, fmt.Errorf("--%s must not be negative (specified: %s)", name, s)
	}
	if d > limit {
		return 0, tooLong()
	}
	return d, nil
}
