package cli

import (
	"slices"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
)

// unread are the flags each mode does not read. Their values are never parsed, so one environment
// block can configure every probe of a pod: a bad value meant for health cannot fail ready, nor
// one meant for ready a liveness probe. A flag given on the command line to a mode that does not
// read it is warned of, never fatal.
var unread = map[check.Mode][]string{
	check.Ready: {
		flagBuilder, flagBuilderSecret, flagBuilderHeader, flagMaxLag, flagCheckFork,
		flagRollupBoostDebug, flagConductor, flagConductorHeader,
		flagFlashblocks, flagFlashblocksHeader, flagMaxFlashblockGap, flagMaxSafe, flagMinPeers,
		flagBuilderSigner, flagBuilderContract, flagBuilderBlocks, flagMinBuilderBlocks,
	},
	check.Live: {
		flagBuilder, flagBuilderSecret, flagBuilderHeader, flagMaxLag, flagCheckFork,
		flagRollupBoost, flagRollupBoostHeader, flagRollupBoostDebug, flagConductor, flagConductorHeader,
		flagFlashblocks, flagFlashblocksHeader, flagMaxFlashblockGap,
		flagOpNode, flagOpNodeSecret, flagOpNodeHeader, flagMaxSafe, flagMinPeers,
		flagMaxUnsafe, flagInterval, flagMinBlocks, flagMaxClockSkew, flagChainID, flagStateFile, flagMaxStall,
		flagBuilderSigner, flagBuilderContract, flagBuilderBlocks, flagMinBuilderBlocks,
	},
}

// reads is true when mode reads the flag name.
func reads(mode check.Mode, name string) bool { return !slices.Contains(unread[mode], name) }

// readOr is the flag's value when mode reads it, else its default: the value is then not looked
// at, wherever it comes from.
func readOr(c *cli.Context, mode check.Mode, name string) string {
	if reads(mode, name) {
		return str(c, name)
	}
	return flagDefaults()[name]
}

// flagDefaults are the probe flags' default values by name.
var flagDefaults = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, f := range probeFlags() {
		if s, ok := f.(cmdString); ok {
			m[s.Name] = s.Value
		}
	}
	return m
})

// unreadWarnings warn of each flag the command line gives that mode does not read.
func unreadWarnings(c *cli.Context, mode check.Mode) []string {
	var warnings []string
	for _, name := range unread[mode] {
		if onCommandLine(c, name) != nil {
			warnings = append(warnings, warning("--%s is not used by %s; ignored", name, mode))
		}
	}
	return warnings
}
