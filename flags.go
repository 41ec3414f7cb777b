package main

import (
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
func probeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagL2, Usage: "L2 execution client `URL` (http, https, ws, wss, or an absolute IPC path); required", EnvVars: env(flagL2)},
		&cli.StringFlag{Name: flagBuilder, Usage: "block builder `URL`; absent = judge the L2 alone (rollup-boost's disabled mode)", EnvVars: env(flagBuilder)},
		&cli.StringFlag{Name: flagL2Secret, Usage: "Engine-API JWT secret `FILE` for the L2 (hex, as geth's jwt.hex)", EnvVars: env(flagL2Secret)},
		&cli.StringFlag{Name: flagBuilderSecret, Usage: "Engine-API JWT secret `FILE` for the builder", EnvVars: env(flagBuilderSecret)},
		&cli.StringSliceFlag{Name: flagL2Header, Usage: "extra HTTP header `\"Name: value\"` for the L2 (repeatable; in the environment one per line; for gateways with their own auth)", EnvVars: env(flagL2Header)},
		&cli.StringSliceFlag{Name: flagBuilderHeader, Usage: "extra HTTP header `\"Name: value\"` for the builder (repeatable)", EnvVars: env(flagBuilderHeader)},
		&cli.StringFlag{Name: flagTLSCA, Usage: "PEM `FILE` of CAs to trust for https/wss instead of the system roots", EnvVars: env(flagTLSCA)},
		&cli.StringFlag{Name: flagTLSCert, Usage: "client certificate PEM `FILE`, for servers that require one (with --tls-key)", EnvVars: env(flagTLSCert)},
		&cli.StringFlag{Name: flagTLSKey, Usage: "client key PEM `FILE` (with --tls-cert)", EnvVars: env(flagTLSKey)},
		&cli.StringFlag{Name: flagTLSServerName, Usage: "server `NAME` to verify instead of the URL's host", EnvVars: env(flagTLSServerName)},
		&cli.StringFlag{Name: flagMaxUnsafe, Value: "10s", Usage: "stale when the head is older than this `DURATION` (a bare integer is seconds; 0 = no age check)", EnvVars: env(flagMaxUnsafe)},
		&cli.StringFlag{Name: flagInterval, Value: "0", Usage: "observation window `DURATION`: wait up to this long for the head to advance by --min-blocks (0 = one sample)", EnvVars: env(flagInterval)},
		&cli.Uint64Flag{Name: flagMinBlocks, Value: 1, Usage: "`N` blocks the head must advance within --interval", EnvVars: env(flagMinBlocks)},
		&cli.StringFlag{Name: flagTimeout, Value: "1s", Usage: "per-request `DURATION`; a run ends within interval + timeout", EnvVars: env(flagTimeout)},
		&cli.Uint64Flag{Name: flagMaxLag, DefaultText: "off", Usage: "health: partial when the builder is more than `N` blocks behind the L2", EnvVars: env(flagMaxLag)},
		&cli.BoolFlag{Name: flagCheckFork, Usage: "health: compare the builder's head hash with the L2's block at that height; a mismatch is partial", EnvVars: env(flagCheckFork)},
		&cli.Uint64Flag{Name: flagChainID, DefaultText: "off", Usage: "every endpoint's eth_chainId must be `N` (L2 wrong: unavailable; builder wrong: partial)", EnvVars: env(flagChainID)},
		&cli.StringFlag{Name: flagStateFile, Usage: "remember heads between runs in `FILE`, to judge progress at once (see --max-stall)", EnvVars: env(flagStateFile)},
		&cli.StringFlag{Name: flagMaxStall, DefaultText: "--max-unsafe-interval", Usage: "with --state-file, and in watch: stale when the head has not advanced by --min-blocks for longer than this `DURATION`", EnvVars: env(flagMaxStall)},
		&cli.StringFlag{Name: flagTextfile, Usage: "also write Prometheus metrics to `FILE` (must end in .prom) for node_exporter's textfile collector", EnvVars: env(flagTextfile)},
		&cli.StringFlag{Name: flagOutput, Aliases: []string{"o"}, Value: "text", Usage: "output `FORMAT`: text, json or nagios", EnvVars: env(flagOutput)},
		&cli.BoolFlag{Name: flagNoColor, Usage: "never colour the output (NO_COLOR is honoured too)", EnvVars: env(flagNoColor)},
		&cli.BoolFlag{Name: flagQuiet, Aliases: []string{"q"}, Usage: "print nothing; the exit code is the answer", EnvVars: env(flagQuiet)},
	}
}
