// Command headprobe is a one-shot health probe for OP-stack sequencers: it reads the unsafe heads
// of the L2 execution client and the block builder, judges their age and progress, prints why,
// and exits with the state.
//
// The exit code is the verdict's check.State (check.State.ExitCode), Nagios-style, in
// rollup-boost's /healthz order:
//
//   - 0, check.Healthy: L2 and builder progressing (rollup-boost 200, Nagios OK).
//   - 1, check.Partial: L2 progressing, builder stale, behind or unreachable (rollup-boost 206, WARNING).
//   - 2, check.Unavailable: L2 stale or unreachable, no blocks are built (rollup-boost 503, CRITICAL).
//   - 3, check.Unknown: bad usage or configuration, interruption, internal error (UNKNOWN); never
//     Go's panic code 2.
//
// The commands, flags and checks live in internal/cli; this file only catches signals, runs
// cli.Run and exits with its code.
package main

import (
	"context"
	"os"

	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/signals"
)

func main() {
	// Every catchable signal, from before any other package's init, ends the run as "interrupted".
	ctx, stop := signals.Context(context.Background())
	code := cli.Run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
