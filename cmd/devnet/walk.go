package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/devnet"
)

// chainID is the devnet's chain id, which every step's command asks for.
const chainID = 901

// builderBlocks is the walk's --builder-blocks: the L2's last blocks read for the builder's
// transaction, few so that the fallback step shows within a few blocks.
const builderBlocks = 3

// walk runs headprobe against the devnet in-process through cli.Run: the printed command is the
// one that runs, with headprobe's own flags, wiring and bounds.
type walk struct {
	net    *devnet.Net
	window time.Duration
	// flash is the flashblocks publisher following the builder; gap its --max-flashblock-gap.
	flash *devnet.Flashblocks
	gap   time.Duration
	// opNode is the op-node STAND-IN (devnet.OpNode, derived from the L2: not op-node), probed with
	// --op-node; maxSafe is the walk's --max-safe-interval.
	opNode  *devnet.OpNode
	maxSafe time.Duration
}

// probe prints the headprobe command for the current step against the L2 and the given
// builder (none when nil), with the extra flags, runs it, prints its output and returns its exit code.
func (w walk) probe(ctx context.Context, builderNode *devnet.Node, extra ...string) int {
	builder := ""
	if builderNode != nil {
		builder = builderNode.AuthURL()
	}
	args := append([]string{"headprobe", "health"}, w.flags(builder, extra...)...)
	fmt.Printf("   $ %s\n", strings.Join(args, " "))
	var out, errOut bytes.Buffer
	code := cli.Run(ctx, args, &out, &errOut)
	for _, line := range strings.Split(strings.TrimRight(out.String()+errOut.String(), "\n"), "\n") {
		fmt.Fprintf(os.Stdout, "   %s\n", line)
	}
	return code
}

// flags are a step's endpoints and thresholds: the L2 and op-node, the builder at builderURL (none
// when ""), with the fork check and its flashblocks stream, the window and the chain id, and the
// extra flags.
func (w walk) flags(builderURL string, extra ...string) []string {
	f := []string{
		"--l2", w.net.L2.AuthURL(), "--l2-jwt-secret", w.net.JWTSecretFile,
		"--op-node", w.opNode.URL(), "--max-safe-interval", w.maxSafe.String(),
	}
	if builderURL != "" {
		f = append(f, "--builder", builderURL, "--builder-jwt-secret", w.net.JWTSecretFile)
	}
	f = append(f, "--interval", w.window.String(), "--chain-id", strconv.Itoa(chainID))
	// The builder stand-in's transaction in the L2's last blocks (devnet.SetBuilderWins).
	f = append(f, "--builder-signer", devnet.BuilderAddress.Hex(), "--builder-blocks", strconv.Itoa(builderBlocks))
	if builderURL != "" {
		f = append(f, "--check-fork")
		if w.flash != nil { // the publisher follows the builder
			f = append(f, "--flashblocks", w.flash.URL(), "--max-flashblock-gap", w.gap.String())
		}
	}
	f = append(f, extra...)
	if w.window < time.Second { // fast blocks: the window must hold more than one sample of the default 1 s timeout
		f = append(f, "--timeout", w.window.String())
	}
	if w.window < 2*time.Second { // blocks faster than 1 s: the devnet stamps each parent+1 s, so heads run ahead of the clock
		f = append(f, "--max-clock-skew", "0")
	}
	return f
}

// every is serve's period between checks: half the window, a block period.
func (w walk) every() time.Duration { return w.window / 2 }
