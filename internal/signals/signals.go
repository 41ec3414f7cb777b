// Package signals catches, from the program's first moments, every signal that would otherwise end
// the process or dump its goroutines, so that main can end all of them as it ends SIGTERM. It
// depends on the standard library alone, so that Go initialises it before the heavy dependencies.
package signals

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// caught receives every signal from init on; it is buffered, as signals may arrive before Context runs.
var caught = make(chan os.Signal, 8)

func init() {
	// SIGPIPE is caught too, and then never acted on: a write to a reader that went away returns
	// EPIPE instead of killing the process, so the verdict's exit code stands.
	signal.Notify(caught, append(ending(), syscall.SIGPIPE)...)
}

// Context is parent cancelled by the first signal other than SIGPIPE, caught since init.
func Context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		for {
			select {
			case s := <-caught:
				if s != syscall.SIGPIPE {
					cancel()
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, cancel
}
