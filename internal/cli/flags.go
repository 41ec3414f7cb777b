package cli

import (
	"flag"
	"sync"

	"github.com/urfave/cli/v2"
)

// envPrefix prefixes every flag's environment variable: --max-unsafe-interval is HEADPROBE_MAX_UNSAFE_INTERVAL.
const envPrefix = "HEADPROBE_"

// Flag names, used by the flag table and the config parser.
const (
	flagL2            = "l2"
	flagBuilder       = "builder"
	flagL2Secret      = "l2-jwt-secret"
	flagBuilderSecret = "builder-jwt-secret"
	flagMaxUnsafe     = "max-unsafe-interval"
	flagInterval      = "interval"
	flagMinBlocks     = "min-blocks"
	flagTimeout       = "timeout"
	flagOutput        = "output"
	flagNoColor       = "no-color"
	flagQuiet         = "quiet"
	flagL2Header      = "l2-header"
	flagBuilderHeader = "builder-header"
	flagTLSCA         = "tls-ca"
	flagTLSCert       = "tls-cert"
	flagTLSKey        = "tls-key"
	flagTLSServerName = "tls-server-name"
	flagMaxLag        = "max-builder-lag"
	flagCheckFork     = "check-fork"
	flagChainID       = "chain-id"
	flagTextfile      = "textfile"
	flagStateFile     = "state-file"
	flagMaxStall      = "max-stall"
	flagMaxClockSkew  = "max-clock-skew"
	flagTargets       = "targets"
	flagTarget        = "target"
	flagMaxConcurrent = "max-concurrent"
)

// The flashblocks stream's flags (health only).
const (
	flagFlashblocks       = "flashblocks"
	flagFlashblocksHeader = "flashblocks-header"
	flagMaxFlashblockGap  = "max-flashblock-gap"
	catFlashblocks        = "Flashblocks (health only)"
)

// The builder's blocks' flags (health only; builderblocks.go).
const (
	flagBuilderSigner    = "builder-signer"
	flagBuilderContract  = "builder-contract"
	flagBuilderBlocks    = "builder-blocks"
	flagMinBuilderBlocks = "min-builder-blocks"
	catBuilderBlocks     = "Builder's blocks on the L2 (health only)"
)

// op-node's flags.
const (
	flagOpNode       = "op-node"
	flagOpNodeSecret = "op-node-jwt-secret"
	flagOpNodeHeader = "op-node-header"
	flagMaxSafe      = "max-safe-interval"
	flagMinPeers     = "min-peers"
	catOpNode        = "op-node (health and ready; not live)"
)

// Help categories of the flags.
const (
	catEndpoints   = "Endpoints"
	catThresholds  = "Thresholds"
	catConsistency = "Consistency (health only)"
	catAcrossRuns  = "Across runs"
	catOutput      = "Output"
	catTLS         = "TLS"
	catFleet       = "Fleet"
	catPeriodic    = "Watch and serve"
)

// env is the environment variable of a flag.
func env(name string) []string {
	b := []byte(envPrefix + name)
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

// probeFlags are accepted by every command, so one environment block configures all probes of a pod.
// "(health only)" marks what ready and live ignore, "(not live)" what live ignores.
func probeFlags() []cli.Flag {
	return []cli.Flag{
		text(catEndpoints, flagL2, "", "L2 execution client `URL`: http, https, ws, wss or an absolute IPC path; required"),
		text(catEndpoints, flagBuilder, "", "block builder `URL`; absent: judge the L2 alone (health only)"),
		text(catEndpoints, flagL2Secret, "", "Engine-API JWT secret `FILE` for the L2 (hex, as geth's jwt.hex)"),
		text(catEndpoints, flagBuilderSecret, "", "Engine-API JWT secret `FILE` for the builder (health only)"),
		headers(catEndpoints, flagL2Header,
			"extra HTTP `HEADER` \"Name: value\" for the L2; in the environment one per line"),
		headers(catEndpoints, flagBuilderHeader,
			"extra HTTP `HEADER` \"Name: value\" for the builder (health only)"),
		text(catTLS, flagTLSCA, "", "PEM `FILE` of CAs to trust for https and wss instead of the system roots"),
		text(catTLS, flagTLSCert, "", "client certificate PEM `FILE` (with --tls-key)"),
		text(catTLS, flagTLSKey, "", "client key PEM `FILE` (with --tls-cert)"),
		text(catTLS, flagTLSServerName, "", "server `NAME` to verify instead of the URL's host"),
		text(catThresholds, flagMaxUnsafe, "10s", "stale when the head is older than this `DURATION`; 0: no age check (not live)"),
		text(catThresholds, flagInterval, "0", "wait up to this `DURATION` for the head to advance by --min-blocks; 0: one sample (not live)"),
		text(catThresholds, flagMinBlocks, "1", "`N` blocks, at least 1, the head must advance in --interval or --max-stall (not live)"),
		text(catThresholds, flagTimeout, "1s", "per-request `DURATION`; a run ends within interval + timeout"),
		text(catThresholds, flagMaxClockSkew, "30s", "fail a head stamped more than this `DURATION` in the future; 0: off (not live)"),
		text(catThresholds, flagChainID, "off", "every endpoint's eth_chainId must be `N` (not live)"),
		text(catConsistency, flagMaxLag, "off", "partial when the builder is more than `N` blocks behind or ahead of the L2"),
		toggle(catConsistency, flagCheckFork, "partial when the builder's and the L2's blocks differ at the lower of their two heads"),
		text(catAcrossRuns, flagStateFile, "", "remember heads between runs in `FILE`, to judge progress at once (not live)"),
		text(catAcrossRuns, flagMaxStall, "--max-unsafe-interval", "with --state-file, in watch and serve: stale when the head did not advance for this `DURATION`"),
		text(catOutput, flagTextfile, "", "also write Prometheus metrics to `FILE` (ending in .prom) for node_exporter"),
		text(catOutput, flagOutput, "text", "output `FORMAT`: text, json or nagios", "o"),
		toggle(catOutput, flagNoColor, "never colour the output (NO_COLOR is honoured too)"),
		toggle(catOutput, flagQuiet, "print nothing; the exit code is the answer", "q"),
		// rollup-boost and op-conductor (parts.go)
		text(catEndpoints, flagRollupBoost, "", "rollup-boost `URL`: GET /healthz (or the URL's own path); ready: only unavailability"),
		headers(catEndpoints, flagRollupBoostHeader,
			"extra HTTP `HEADER` \"Name: value\" for --rollup-boost and --rollup-boost-debug"),
		text(catEndpoints, flagRollupBoostDebug, "", "rollup-boost debug `URL`: execution mode; disabled waives the builder (health only)"),
		text(catEndpoints, flagConductor, "", "op-conductor RPC `URL`: this node's role, paused/stopped, its health view (health only)"),
		headers(catEndpoints, flagConductorHeader,
			"extra HTTP `HEADER` \"Name: value\" for op-conductor (health only)"),

		// The flashblocks stream.
		text(catFlashblocks, flagFlashblocks, "", "flashblocks stream `URL`, ws or wss (rollup-boost: port 1112); partial when dead or behind"),
		headers(catFlashblocks, flagFlashblocksHeader,
			"extra HTTP `HEADER` \"Name: value\" for the flashblocks handshake"),
		text(catFlashblocks, flagMaxFlashblockGap, "1s", "stale when the stream sends no frame for this `DURATION`"),
		// The builder's blocks on the L2.
		text(catBuilderBlocks, flagBuilderSigner, "", "partial when too few L2 blocks carry a transaction from this `ADDRESS` (the builder's key)"),
		text(catBuilderBlocks, flagBuilderContract, "", "flashblocks number contract `ADDRESS`: calls to it count as the builder's too"),
		text(catBuilderBlocks, flagBuilderBlocks, "10", "read the L2's last `N` blocks, with their transactions, in one batch"),
		text(catBuilderBlocks, flagMinBuilderBlocks, "1", "partial when fewer than `M` of them carry the builder's transaction; 0: only show the count"),
		// op-node
		text(catOpNode, flagOpNode, "", "op-node RPC `URL` (optimism_syncStatus); absent: no op-node checks"),
		text(catOpNode, flagOpNodeSecret, "", "JWT secret `FILE` for an op-node behind a gateway that wants one"),
		headers(catOpNode, flagOpNodeHeader,
			"extra HTTP `HEADER` \"Name: value\" for op-node"),
		text(catOpNode, flagMaxSafe, "off", "partial when op-node's safe head is older than `DURATION` (health only)"),
		text(catOpNode, flagMinPeers, "off", "partial when op-node has fewer than `N` p2p peers (health only)"),

		text(catFleet, flagTargets, "", "YAML `FILE` of targets, each keyed by flags' long names: probe them all, or --target"),
		text(catFleet, flagTarget, "", "probe only the target of this `NAME` in --targets"),
		text(catFleet, flagMaxConcurrent, "16", "with --targets: probe at most `N` targets at once"),
	}
}

// text is a flag with a value. Numbers and durations are strings to the parser, so that config.go
// reads them, from the command line or the environment, with one rule and one-line errors.
func text(category, name, value, usage string, aliases ...string) cli.Flag {
	f := &cli.StringFlag{Name: name, Aliases: aliases, Category: category, Usage: usage, EnvVars: env(name)}
	switch value {
	case "", "off", "--max-unsafe-interval":
		f.DefaultText = value
	default:
		f.Value, f.DefaultText = value, value
	}
	c := cmdString{StringFlag: f, listing: newListing(name, aliases)}
	c.shows(c)
	return c
}

// toggle is a boolean flag.
func toggle(category, name, usage string, aliases ...string) cli.Flag {
	f := &cli.BoolFlag{Name: name, Aliases: aliases, Category: category, Usage: usage, EnvVars: env(name)}
	c := cmdBool{BoolFlag: f, listing: newListing(name, aliases)}
	c.shows(c)
	return c
}

// headers is a repeatable "Name: value" header flag; the environment holds one per line.
func headers(category, name, usage string) cli.Flag {
	f := &cli.StringSliceFlag{Name: name, Category: category, KeepSpace: true, EnvVars: env(name), Usage: usage}
	c := cmdSlice{StringSliceFlag: f, listing: newListing(name, nil)}
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

// shows makes the help flagHelp(f), computed on first use; f is the flag the listing is of.
func (l listing) shows(f cli.Flag) {
	*l.help = sync.OnceValue(func() string { return flagHelp(f) })
}

// cmdString, cmdBool and cmdSlice are urfave/cli's flags with their environment variable shown in
// help but not read by the parser: IsSet then means "given on the command line", in whichever
// context, and config.go reads the environment itself, trimmed, only for flags no command line gave.
//
// Each also answers Names() from the slice it was built with. urfave/cli looks a flag up by
// scanning every flag's Names(), whose FlagNames runs a regular expression per name, for each
// flag after parsing (runFlagActions, IsSet): with some 40 flags that quadratic work was the
// largest part of a one-shot probe's parsing (see the README's "What a run spends").
type (
	cmdString struct {
		*cli.StringFlag
		listing
	}
	cmdBool struct {
		*cli.BoolFlag
		listing
	}
	cmdSlice struct {
		*cli.StringSliceFlag
		listing
	}
)

// Names is the flag's name and aliases.
func (f cmdString) Names() []string { return f.names }

// Names is the flag's name and aliases.
func (f cmdBool) Names() []string { return f.names }

// Names is the flag's name and aliases.
func (f cmdSlice) Names() []string { return f.names }

// String is the flag's --help text.
func (f cmdString) String() string { return (*f.help)() }

// String is the flag's --help text.
func (f cmdBool) String() string { return (*f.help)() }

// String is the flag's --help text.
func (f cmdSlice) String() string { return (*f.help)() }

// Apply registers the flag with the parser, without its environment variable.
func (f cmdString) Apply(set *flag.FlagSet) error {
	g := *f.StringFlag
	g.EnvVars = nil
	return g.Apply(set)
}

// Apply registers the flag with the parser, without its environment variable.
func (f cmdBool) Apply(set *flag.FlagSet) error {
	g := *f.BoolFlag
	g.EnvVars = nil
	return g.Apply(set)
}

// Apply registers the flag with the parser, without its environment variable.
func (f cmdSlice) Apply(set *flag.FlagSet) error {
	g := *f.StringSliceFlag
	g.EnvVars = nil
	return g.Apply(set)
}

// EnvVars is every environment variable headprobe reads, one per flag (watch's and serve's
// --every and serve's --listen and --conductor-scope included).
func EnvVars() []string {
	var vars []string
	for _, f := range append(probeFlags(), everyFlag(), listenFlag(), maxProbesFlag(), enableReloadFlag(), conductorScopeFlag(), conductorPeersFlag()) {
		vars = append(vars, env(f.Names()[0])[0])
	}
	return vars
}
