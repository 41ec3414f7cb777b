package config

import (
	"flag"
	"sync"

	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/kind/registry"
	"github.com/urfave/cli/v2"
)

// EnvPrefix prefixes every flag's environment variable: --max-unsafe-interval is HEADPROBE_MAX_UNSAFE_INTERVAL.
const EnvPrefix = "HEADPROBE_"

// The wiring's own flag names (the kinds' are in their packages), used by the flag table and the
// config parser.
const (
	FlagMaxUnsafe     = "max-unsafe-interval"
	FlagInterval      = "interval"
	FlagMinBlocks     = "min-blocks"
	FlagTimeout       = "timeout"
	FlagOutput        = "output"
	FlagNoColor       = "no-color"
	FlagQuiet         = "quiet"
	FlagTLSCA         = "tls-ca"
	FlagTLSCert       = "tls-cert"
	FlagTLSKey        = "tls-key"
	FlagTLSServerName = "tls-server-name"
	FlagChainID       = "chain-id"
	FlagTextfile      = "textfile"
	FlagStateFile     = "state-file"
	FlagMaxStall      = "max-stall"
	FlagMaxClockSkew  = "max-clock-skew"
	FlagTargets       = "targets"
	FlagTarget        = "target"
	FlagMaxConcurrent = "max-concurrent"
)

// Help categories of the flags.
const (
	CatEndpoints   = kind.CatEndpoints
	CatThresholds  = "Thresholds"
	CatConsistency = kind.CatConsistency
	CatAcrossRuns  = "Across runs"
	CatOutput      = "Output"
	CatTLS         = "TLS"
	CatFleet       = "Fleet"
	CatPeriodic    = "Watch and serve"
)

// Env is the environment variable of a flag.
func Env(name string) []string {
	b := []byte(EnvPrefix + name)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return []string{string(b)}
}

// commonFlags are the wiring's own probe flags: TLS, thresholds, across runs, output and fleet.
// "(not live)" marks what live ignores.
var commonFlags = []kind.Flag{
	{Name: FlagTLSCA, Category: CatTLS, Usage: "PEM `FILE` of CAs to trust for https and wss instead of the system roots"},
	{Name: FlagTLSCert, Category: CatTLS, Usage: "client certificate PEM `FILE` (with --tls-key)"},
	{Name: FlagTLSKey, Category: CatTLS, Usage: "client key PEM `FILE` (with --tls-cert)"},
	{Name: FlagTLSServerName, Category: CatTLS, Usage: "server `NAME` to verify instead of the URL's host"},
	{Name: FlagMaxUnsafe, Category: CatThresholds, Modes: kind.NotLive, Default: "10s", Long: true, Usage: "stale when the head is older than this `DURATION`; 0: no age check (not live)"},
	{Name: FlagInterval, Category: CatThresholds, Modes: kind.NotLive, Default: "0", Usage: "wait up to this `DURATION` for the head to advance by --min-blocks; 0: one sample (not live)"},
	{Name: FlagMinBlocks, Category: CatThresholds, Modes: kind.NotLive, Default: "1", Usage: "`N` blocks, at least 1, the head must advance in --interval or --max-stall (not live)"},
	{Name: FlagTimeout, Category: CatThresholds, Default: "1s", Usage: "per-request `DURATION`; a run ends within interval + timeout"},
	{Name: FlagMaxClockSkew, Category: CatThresholds, Modes: kind.NotLive, Default: "30s", Long: true, Usage: "fail a head stamped more than this `DURATION` in the future; 0: off (not live)"},
	{Name: FlagChainID, Category: CatThresholds, Modes: kind.NotLive, Shown: "off", Usage: "every endpoint's eth_chainId must be `N` (not live)"},
	{Name: FlagStateFile, Category: CatAcrossRuns, Modes: kind.NotLive, Usage: "remember heads between runs in `FILE`, to judge progress at once (not live)"},
	{Name: FlagMaxStall, Category: CatAcrossRuns, Modes: kind.NotLive, Shown: "--max-unsafe-interval", Long: true, Usage: "with --state-file, in watch and serve: stale when the head did not advance for this `DURATION`"},
	{Name: FlagTextfile, Category: CatOutput, Usage: "also write Prometheus metrics to `FILE` (ending in .prom) for node_exporter"},
	{Name: FlagOutput, Aliases: []string{"o"}, Category: CatOutput, Default: "text", Usage: "output `FORMAT`: text, json or nagios"},
	{Name: FlagNoColor, Type: kind.Toggle, Category: CatOutput, Usage: "never colour the output (NO_COLOR is honoured too)"},
	{Name: FlagQuiet, Aliases: []string{"q"}, Type: kind.Toggle, Category: CatOutput, Usage: "print nothing; the exit code is the answer"},
	{Name: FlagTargets, Category: CatFleet, Usage: "YAML `FILE` of targets, each keyed by flags' long names: probe them all, or --target"},
	{Name: FlagTarget, Category: CatFleet, Usage: "probe only the target of this `NAME` in --targets"},
	{Name: FlagMaxConcurrent, Category: CatFleet, Default: "16", Usage: "with --targets: probe at most `N` targets at once"},
}

// FlagTable is every probe flag: the kinds' (in the registry's order) before the wiring's own,
// and each by name.
var FlagTable = sync.OnceValues(func() ([]kind.Flag, map[string]kind.Flag) {
	var all []kind.Flag
	for _, k := range registry.Kinds {
		all = append(all, k.Flags...)
	}
	all = append(all, commonFlags...)
	byName := make(map[string]kind.Flag, len(all))
	for _, f := range all {
		byName[f.Name] = f
	}
	return all, byName
})

// ProbeFlags are accepted by every command, so one environment block configures all probes of a
// pod; each mode reads those whose Modes hold it.
func ProbeFlags() []cli.Flag {
	all, _ := FlagTable()
	out := make([]cli.Flag, len(all))
	for i, f := range all {
		out[i] = cliFlag(f)
	}
	return out
}

// cliFlag is the parser's flag of a declared flag.
func cliFlag(f kind.Flag) cli.Flag {
	switch f.Type {
	case kind.Toggle:
		return Toggle(f.Category, f.Name, f.Usage, f.Aliases...)
	case kind.Headers:
		return headers(f.Category, f.Name, f.Usage)
	}
	shown := f.Shown
	if shown == "" {
		shown = f.Default
	}
	return textShown(f.Category, f.Name, f.Default, shown, f.Usage, f.Aliases...)
}

// Text is a flag with a value. Numbers and durations are strings to the parser, so that config.go
// reads them, from the command line or the environment, with one rule and one-line errors.
func Text(category, name, value, usage string, aliases ...string) cli.Flag {
	switch value {
	case "", "off", "--max-unsafe-interval":
		return textShown(category, name, "", value, usage, aliases...)
	}
	return textShown(category, name, value, value, usage, aliases...)
}

// textShown is a flag with a value, whose help shows the default as shown.
func textShown(category, name, value, shown, usage string, aliases ...string) cli.Flag {
	f := &cli.StringFlag{Name: name, Aliases: aliases, Category: category, Usage: usage, EnvVars: Env(name), Value: value, DefaultText: shown}
	c := CmdString{StringFlag: f, listing: newListing(name, aliases)}
	c.shows(c)
	return c
}

// Toggle is a boolean flag.
func Toggle(category, name, usage string, aliases ...string) cli.Flag {
	f := &cli.BoolFlag{Name: name, Aliases: aliases, Category: category, Usage: usage, EnvVars: Env(name)}
	c := CmdBool{BoolFlag: f, listing: newListing(name, aliases)}
	c.shows(c)
	return c
}

// headers is a repeatable "Name: value" header flag; the environment holds one per line.
func headers(category, name, usage string) cli.Flag {
	f := &cli.StringSliceFlag{Name: name, Category: category, KeepSpace: true, EnvVars: Env(name), Usage: usage}
	c := CmdSlice{StringSliceFlag: f, listing: newListing(name, nil)}
	c.shows(c)
	return c
}

// listing is what urfave/cli asks of a flag over and over, answered once: its names (as
// FlagNames gives them for names with no comma or space; it strips what follows one with a
// regular expression on every call) and its --help text (flagHelp, asked at every start for the
// help categories of every command).
type listing struct {
	names []string
	help  *func() string
}

// newListing is the listing of a flag; shows sets its help.
func newListing(name string, aliases []string) listing {
	return listing{names: append([]string{name}, aliases...), help: new(func() string)}
}

// shows makes the help FlagHelp(f), computed on first use; f is the flag the listing is of.
func (l listing) shows(f cli.Flag) {
	*l.help = sync.OnceValue(func() string { return FlagHelp(f) })
}

// CmdString, CmdBool and CmdSlice are urfave/cli's flags with their environment variable shown in
// help but not read by the parser: IsSet then means "given on the command line", in whichever
// context, and config.go reads the environment itself, trimmed, only for flags no command line gave.
//
// Each also answers Names() from the slice it was built with. urfave/cli looks a flag up by
// scanning every flag's Names(), whose FlagNames runs a regular expression per name, for each
// flag after parsing (runFlagActions, IsSet): with some 40 flags that quadratic work was the
// largest part of a one-shot probe's parsing (see the README's "What a run spends").
type (
	CmdString struct {
		*cli.StringFlag
		listing
	}
	CmdBool struct {
		*cli.BoolFlag
		listing
	}
	CmdSlice struct {
		*cli.StringSliceFlag
		listing
	}
)

// Names is the flag's name and aliases.
func (f CmdString) Names() []string { return f.names }

// Names is the flag's name and aliases.
func (f CmdBool) Names() []string { return f.names }

// Names is the flag's name and aliases.
func (f CmdSlice) Names() []string { return f.names }

// String is the flag's --help text.
func (f CmdString) String() string { return (*f.help)() }

// String is the flag's --help text.
func (f CmdBool) String() string { return (*f.help)() }

// String is the flag's --help text.
func (f CmdSlice) String() string { return (*f.help)() }

// Apply registers the flag with the parser, without its environment variable.
func (f CmdString) Apply(set *flag.FlagSet) error {
	g := *f.StringFlag
	g.EnvVars = nil
	return g.Apply(set)
}

// Apply registers the flag with the parser, without its environment variable.
func (f CmdBool) Apply(set *flag.FlagSet) error {
	g := *f.BoolFlag
	g.EnvVars = nil
	return g.Apply(set)
}

// Apply registers the flag with the parser, without its environment variable.
func (f CmdSlice) Apply(set *flag.FlagSet) error {
	g := *f.StringSliceFlag
	g.EnvVars = nil
	return g.Apply(set)
}

// EnvVars is every environment variable headprobe reads, one per flag (watch's and serve's
// --every and serve's --listen and --conductor-scope included).
func EnvVars() []string {
	var vars []string
	for _, f := range append(ProbeFlags(), EveryFlag(), ListenFlag(), MaxProbesFlag(), EnableReloadFlag(), ConductorScopeFlag(), ConductorPeersFlag()) {
		vars = append(vars, Env(f.Names()[0])[0])
	}
	return vars
}
