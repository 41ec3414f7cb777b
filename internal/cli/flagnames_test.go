package cli

import (
	"github.com/headprobe/headprobe/kind/builderblocks"
	"github.com/headprobe/headprobe/kind/conductor"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/flashblocks"
	"github.com/headprobe/headprobe/kind/opnode"
	"github.com/headprobe/headprobe/kind/rollupboost"
)

// The kinds' flag names the tests give (the wiring itself names none).
const (
	flagL2                = execution.FlagL2
	flagBuilder           = execution.FlagBuilder
	flagL2Secret          = execution.FlagL2Secret
	flagBuilderSecret     = execution.FlagBuilderSecret
	flagL2Header          = execution.FlagL2Header
	flagBuilderHeader     = execution.FlagBuilderHeader
	flagMaxLag            = execution.FlagMaxLag
	flagCheckFork         = execution.FlagCheckFork
	flagOpNode            = opnode.FlagOpNode
	flagOpNodeSecret      = opnode.FlagOpNodeSecret
	flagOpNodeHeader      = opnode.FlagOpNodeHeader
	flagMaxSafe           = opnode.FlagMaxSafe
	flagMinPeers          = opnode.FlagMinPeers
	flagFlashblocks       = flashblocks.FlagFlashblocks
	flagFlashblocksHeader = flashblocks.FlagFlashblocksHeader
	flagMaxFlashblockGap  = flashblocks.FlagMaxFlashblockGap
	flagRollupBoost       = rollupboost.FlagRollupBoost
	flagRollupBoostHeader = rollupboost.FlagRollupBoostHeader
	flagRollupBoostDebug  = rollupboost.FlagRollupBoostDebug
	flagConductor         = conductor.FlagConductor
	flagConductorHeader   = conductor.FlagConductorHeader
	flagBuilderSigner     = builderblocks.FlagBuilderSigner
	flagBuilderContract   = builderblocks.FlagBuilderContract
	flagBuilderBlocks     = builderblocks.FlagBuilderBlocks
	flagMinBuilderBlocks  = builderblocks.FlagMinBuilderBlocks
)
