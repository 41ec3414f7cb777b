// Command headprobe is a one-shot health probe for OP-stack sequencers: it reads the unsafe heads
// of the L2 execution client and the block builder, judges their age and progress, prints why,
// and exits with the state.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/headprobe/headprobe/check"
)

// Exit codes: the process exits with the state's value, Nagios-style, in rollup-boost's /healthz order.
const (
	// exitHealthy: L2 and builder progressing (rollup-boost 200).
	exitHealthy = int(check.Healthy)
	// exitPartial: L2 progressing, builder stale, behind or unreachable (rollup-boost 206).
	exitPartial = int(check.Partial)
	// exitUnavailable: L2 stale or unreachable, no blocks are built (rollup-boost 503).
	exitUnavailable = int(check.Unavailable)
	// exitUnknown: bad usage or configuration, interruption, internal error; never Go's panic code 2.
	exitUnknown = int(check.Unknown)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program but the exit: it returns the exit code and turns any panic into exitUnknown.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stdout, "UNKNOWN: internal error: %s\n", strings.Join(strings.Fields(fmt.Sprint(p)), " "))
			code = exitUnknown
		}
	}()
	code = exitUnknown
	app := newApp(stdout, stderr, &code)
	if err := app.RunContext(ctx, args); err != nil {
		fmt.Fprintf(stdout, "UNKNOWN: %v\n", err)
		return exitUnknown
	}
	return code
}
