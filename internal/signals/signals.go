// Package signals catches, from the program's first moments, every signal that would otherwise end
// the process or dump its goroutines, so that main can end all of them as it ends SIGTERM. It
// depends on the standard library alone, so that Go initialises it before the heavy dependencies.
package signals

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
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
				if h := hangup.Load(); s == syscall.SIGHUP && h != nil {
					(*h)()
					continue
				}
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

// hangup, when set, is what SIGHUP does instead of ending the run.
var hangup atomic.Pointer[func()]

// OnHangup makes SIGHUP call f (on Context's goroutine) instead of cancelling the context, as a
// server reloads its configuration on SIGHUP, until stop is called.
func OnHangup(f func()) (stop func()) {
	hangup.Store(&f)
	return func() { hangup.CompareAndSwap(&f, nil) }
}
