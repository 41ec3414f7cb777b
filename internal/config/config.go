package config

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

// Config is everything a run needs, validated before any network I/O.
type Config struct {
	Mode    check.Mode
	Check   check.Config
	Timeout time.Duration
	// Endpoints are the endpoints to judge, in the judging order the kinds declare (kind.Source's
	// Rank): the L2 first, then op-node and the builder when given and the mode judges them.
	Endpoints []Endpoint
	Relations []check.Relation // the checks between two endpoints' roles, in the registry's order
	// Parts are the parts to judge, in their declared judging order (kind.Part's Rank).
	Parts       []kind.Part
	SecretFiles []string // the JWT secret files the endpoints read
	Output      string
	Color       bool
	Quiet       bool
	Warnings    []string    // printed on stderr before the run
	Textfile    string      // Prometheus textfile to write, or ""
	StateFile   string      // where heads are remembered between runs, or ""
	TLS         *tls.Config // shared by every endpoint; nil = system defaults

	// Target is the targets file's target the run probes, labels its textfile series' constant
	// labels (its name and the file's labels); "" and nil without --targets.
	Target string
	Labels map[string]string
}

// Endpoint is one validated endpoint.
type Endpoint struct {
	Role check.Role
	URL  string
	Opts rpc.Options
	// Source makes the endpoint's source; nil: an execution client's (rpc.New).
	Source func(url string, opts rpc.Options) check.Source
}

// Parse turns flags and environment into a config, naming the flag and value of the first
// problem in one line. A flag on the command line, before or after the command, makes its
// environment variable irrelevant.
func Parse(c *cli.Context, mode check.Mode) (cfg *Config, err error) {
	defer func() {
		if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
			err = errors.New(rpc.OneLine(err.Error())) // a value brought in a line break
		}
	}()
	if c.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (commands: health, ready, live, watch, serve)", c.Args().First())
	}
	cfg = &Config{Mode: mode, Warnings: UnreadWarnings(c, mode)}
	if IsSet(c, FlagTarget) && !IsSet(c, FlagTargets) {
		return nil, fmt.Errorf("--%s names a target of --%s, and no --%s is given", FlagTarget, FlagTargets, FlagTargets)
	}
	switch cfg.Output = strings.ToLower(Str(c, FlagOutput)); cfg.Output {
	case "text", "json", "nagios":
	default:
		return nil, fmt.Errorf("--%s must be text, json or nagios (specified: %q)", FlagOutput, Str(c, FlagOutput))
	}
	if cfg.Textfile = Str(c, FlagTextfile); cfg.Textfile != "" && !report.IsTextfileName(cfg.Textfile) {
		return nil, fmt.Errorf("--%s must end in %s, or node_exporter will not read it (specified: %q)", FlagTextfile, report.TextfileSuffix, cfg.Textfile)
	}
	if cfg.Quiet, err = FlagBool(c, FlagQuiet); err != nil {
		return nil, err
	}
	if !cfg.Quiet { // under -q no warning is printed: the environment is not searched for misspellings
		cfg.Warnings = append(UnknownEnvWarnings(EnvironmentOf(c)), cfg.Warnings...)
	}
	noColor, err := FlagBool(c, FlagNoColor)
	if err != nil {
		return nil, err
	}
	cfg.Color = !noColor
	if cfg.Check.MaxAge, err = ParseDuration(FlagMaxUnsafe, ReadOr(c, mode, FlagMaxUnsafe)); err != nil {
		return nil, err
	}
	if cfg.Check.Interval, err = ParseDuration(FlagInterval, ReadOr(c, mode, FlagInterval)); err != nil {
		return nil, err
	}
	if cfg.Timeout, err = Duration(c, FlagTimeout); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("--%s must be greater than zero (specified: %s)", FlagTimeout, cfg.Timeout)
	}
	// live judges one sample of the L2 whatever its age: the rules of the window, progress and the
	// state file are not its, so one environment block for every probe of a pod cannot fail it.
	judgesProgress := mode != check.Live
	if judgesProgress && cfg.Check.Interval > 0 && cfg.Check.Interval < cfg.Timeout {
		return nil, fmt.Errorf("--%s %s is shorter than --%s %s: the window could hold only one sample; use --%s ≥ --%s",
			FlagInterval, cfg.Check.Interval, FlagTimeout, cfg.Timeout, FlagInterval, FlagTimeout)
	}
	if cfg.Check.MaxClockSkew, err = ParseDuration(FlagMaxClockSkew, ReadOr(c, mode, FlagMaxClockSkew)); err != nil {
		return nil, err
	}
	if cfg.Check.MinBlocks, err = ParseWhole(FlagMinBlocks, ReadOr(c, mode, FlagMinBlocks)); err != nil {
		return nil, err
	}
	if judgesProgress && cfg.Check.MinBlocks == 0 { // no window nor state file can judge progress of zero blocks
		return nil, fmt.Errorf("--%s must be at least 1 (specified: 0)", FlagMinBlocks)
	}
	// watch and serve keep their marks in memory from one check to the next, so they judge
	// progress across checks with or without a state file.
	watching := c.Command != nil && (c.Command.Name == "watch" || c.Command.Name == ServeName)
	if judgesProgress {
		cfg.StateFile = Str(c, FlagStateFile)
	}
	if judgesProgress && cfg.StateFile == "" && !watching && IsSet(c, FlagMaxStall) {
		return nil, fmt.Errorf("--%s needs --%s: progress across runs is judged from the state file", FlagMaxStall, FlagStateFile)
	}
	if cfg.StateFile != "" || watching {
		cfg.Check.MaxStall = cfg.Check.MaxAge
		if IsSet(c, FlagMaxStall) {
			if cfg.Check.MaxStall, err = Duration(c, FlagMaxStall); err != nil {
				return nil, err
			}
		}
		if cfg.Check.MaxStall == 0 && cfg.StateFile != "" {
			return nil, fmt.Errorf("--%s needs --%s (or --%s) greater than zero", FlagStateFile, FlagMaxStall, FlagMaxUnsafe)
		}
	}
	if Reads(mode, FlagChainID) && IsSet(c, FlagChainID) {
		if cfg.Check.ChainID, err = Whole(c, FlagChainID); err != nil {
			return nil, err
		}
		if cfg.Check.ChainID == 0 {
			return nil, fmt.Errorf("--%s must be a chain id greater than zero (specified: 0)", FlagChainID)
		}
	}
	if err := cfg.Check.Validate(); err != nil {
		return nil, err
	}
	tlsFiles := rpc.TLSFiles{
		CA: Str(c, FlagTLSCA), Cert: Str(c, FlagTLSCert), Key: Str(c, FlagTLSKey), ServerName: Str(c, FlagTLSServerName),
	}
	if cfg.TLS, err = tlsFiles.Config(); err != nil {
		return nil, err
	}
	if w := tlsFiles.KeyWarning(); w != "" {
		cfg.Warnings = append(cfg.Warnings, Warning("--%s: %s", FlagTLSKey, w))
	}
	if err := cfg.planKinds(c); err != nil {
		return nil, err
	}
	allIPC := true
	for _, e := range cfg.Endpoints {
		allIPC = allIPC && IsIPC(e.URL)
	}
	for _, p := range cfg.Parts {
		allIPC = allIPC && (p.URL == "" || IsIPC(p.URL))
	}
	if cfg.TLS != nil && allIPC {
		cfg.Warnings = append(cfg.Warnings, Warning("the --tls-* flags are ignored for an IPC endpoint (TLS is for https and wss)"))
	}
	if c.Command.Name != "watch" && c.Command.Name != ServeName && OnCommandLine(c, FlagEvery) != nil {
		cfg.Warnings = append(cfg.Warnings, Warning("--%s is for watch and serve; %s ignores it", FlagEvery, mode))
	}
	if c.Command.Name != ServeName && OnCommandLine(c, FlagListen) != nil {
		cfg.Warnings = append(cfg.Warnings, Warning("--%s is for serve; %s ignores it", FlagListen, c.Command.Name))
	}
	for _, name := range []string{FlagConductorScope, FlagConductorPeers} {
		if c.Command.Name != ServeName && OnCommandLine(c, name) != nil {
			cfg.Warnings = append(cfg.Warnings, Warning("--%s is for serve; %s ignores it", name, c.Command.Name))
		}
	}
	return cfg, nil
}

// endpoint validates one endpoint's URL and secret file; nil when its URL flag is empty.
func (cfg *Config) endpoint(c *cli.Context, role check.Role, urlFlag, secretFlag, headerFlag string) (*Endpoint, error) {
	url := strings.TrimSpace(Str(c, urlFlag))
	secretFile := ""
	if secretFlag != "" { // the parts have no JWT
		secretFile = Str(c, secretFlag)
	}
	if url == "" {
		return nil, nil
	}
	if err := rpc.ValidateURL(url); err != nil {
		return nil, fmt.Errorf("--%s %v", urlFlag, err)
	}
	lines, err := HeaderLines(c, headerFlag)
	if err != nil {
		return nil, err
	}
	headers, err := rpc.ParseHeaders(lines)
	if err != nil {
		return nil, fmt.Errorf("--%s: %v", headerFlag, err)
	}
	if IsIPC(url) {
		for _, f := range []struct {
			flag  string
			given bool
		}{{secretFlag, secretFile != ""}, {headerFlag, len(lines) > 0}} {
			if f.given {
				cfg.Warnings = append(cfg.Warnings, Warning("--%s is ignored for an IPC endpoint (%s is a local socket, without HTTP)", f.flag, role.Name))
			}
		}
	}
	e := &Endpoint{Role: role, URL: url, Opts: rpc.Options{Timeout: cfg.Timeout, Headers: headers, TLS: cfg.TLS}}
	if secretFile != "" {
		secret, w, err := rpc.ReadSecretFile(secretFile)
		if err != nil {
			return nil, fmt.Errorf("--%s: %v", secretFlag, err)
		}
		if w != "" {
			cfg.Warnings = append(cfg.Warnings, Warning("--%s: %s", secretFlag, w))
		}
		e.Opts.JWTSecret = secret
		cfg.SecretFiles = append(cfg.SecretFiles, secretFile)
	}
	return e, nil
}

// OnCommandLine is the innermost context whose command line gave the flag, or nil. The parser reads
// no environment (see CmdString), so IsSet means the command line.
func OnCommandLine(c *cli.Context, name string) *cli.Context {
	for _, ctx := range c.Lineage() {
		if setHere(ctx, name) {
			return ctx
		}
	}
	return nil
}

// FromEnv is the flag's environment variable with surrounding white space trimmed, the same for
// every flag; a variable unset or blank counts as absent.
func FromEnv(c *cli.Context, name string) (string, bool) {
	return EnvironmentOf(c).Lookup(Env(name)[0])
}

// IsSet is true when the command line, the environment or the targets file gives the flag.
func IsSet(c *cli.Context, name string) bool {
	_, inEnv := FromEnv(c, name)
	_, inFile := fromFile(c, name)
	return inEnv || inFile || OnCommandLine(c, name) != nil
}

// Str is the flag's value: from the command line in any context, else the environment, else the
// targets file, else the default.
func Str(c *cli.Context, name string) string {
	if ctx := OnCommandLine(c, name); ctx != nil {
		return ctx.String(name)
	}
	if v, ok := FromEnv(c, name); ok {
		return v
	}
	if v, ok := fromFile(c, name); ok {
		return v.text
	}
	return c.String(name)
}

// Boolean is the flag's value, false when its environment variable is not a boolean.
func Boolean(c *cli.Context, name string) bool {
	b, _ := FlagBool(c, name)
	return b
}

// FlagBool is a boolean flag's value, as str finds it.
func FlagBool(c *cli.Context, name string) (bool, error) {
	if ctx := OnCommandLine(c, name); ctx != nil {
		return ctx.Bool(name), nil
	}
	v, ok := FromEnv(c, name)
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
		return false, fmt.Errorf("%s must be true or false (specified: %q)", Env(name)[0], v)
	}
	return b, nil
}

// Whole parses a flag whose value is a whole number.
func Whole(c *cli.Context, name string) (uint64, error) {
	return ParseWhole(name, Str(c, name))
}

// ParseWhole parses the value of the whole-number flag name.
func ParseWhole(name, value string) (uint64, error) {
	s := strings.TrimSpace(value)
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("--%s must be a whole number (specified: %q)", name, s)
	}
	return n, nil
}

// HeaderLines are a header flag's values: each given on the command line, which must be one line
// (a line break would smuggle in another header; the parser keeps the value whole); else the environment's, one per non-blank line.
func HeaderLines(c *cli.Context, name string) ([]string, error) {
	if ctx := OnCommandLine(c, name); ctx != nil {
		values := ctx.StringSlice(name)
		for i, v := range values {
			if strings.ContainsAny(v, "\r\n") {
				return nil, fmt.Errorf("--%s: header %d of %d holds a line break (CR or LF); give each header its own --%s", name, i+1, len(values), name)
			}
			values[i] = strings.TrimSpace(v)
		}
		return values, nil
	}
	v, inEnv := FromEnv(c, name)
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

// IsIPC is true for an endpoint address that is an IPC socket path.
func IsIPC(url string) bool { return strings.HasPrefix(url, "/") }

// Duration parses a duration flag; a bare integer means seconds, like rollup-boost's MAX_UNSAFE_INTERVAL.
func Duration(c *cli.Context, name string) (time.Duration, error) {
	return ParseDuration(name, Str(c, name))
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
	if _, byName := FlagTable(); byName[name].Long {
		return maxAgeDuration
	}
	return maxDuration
}

// ParseDuration parses the value of the duration flag name: a Go duration, or whole seconds.
func ParseDuration(name, value string) (time.Duration, error) {
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

// URLOf is the URL of the endpoint of that role, or "".
func (cfg *Config) URLOf(role string) string {
	for _, e := range cfg.Endpoints {
		if e.Role.Name == role {
			return e.URL
		}
	}
	return ""
}
