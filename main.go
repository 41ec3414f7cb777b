// Command headprobe is a one-shot health probe for OP-stack sequencers: it reads the unsafe heads
// of the L2 execution client and the block builder, judges their age and progress, prints why,
// and exits with the state.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/signals"
)

// Exit codes, Nagios-style, in rollup-boost's /healthz order.
const (
	// exitHealthy: L2 and builder progressing (rollup-boost 200, Nagios OK).
	exitHealthy = 0
	// exitPartial: L2 progressing, builder stale, behind or unreachable (rollup-boost 206, WARNING).
	exitPartial = 1
	// exitUnavailable: L2 stale or unreachable, no blocks are built (rollup-boost 503, CRITICAL).
	exitUnavailable = 2
	// exitUnknown: bad usage or configuration, interruption, internal error (UNKNOWN); never Go's panic code 2.
	exitUnknown = 3
)

func main() {
	// Every catchable signal, from before any other package's init, ends the run as "interrupted".
	ctx, stop := signals.Context(context.Background())
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
	code = exitHealthy // --help, --version and completion run no probe and succeed
	app := newApp(stdout, stderr, &code)
	if err := app.RunContext(ctx, args); err != nil { // the flag parser's own errors
		return scanRefusal(args[1:]).report(check.Health, err, stdout)
	}
	return code
}
