// Package signals catches, from the program's first moments, every signal that would otherwise end
// the process or dump its goroutines, so that main can end all of them as it ends SIGTERM. It
// depends on the standard library and internal/stack (which has no init) alone, so that Go
// initialises it before the heavy dependencies.
package signals

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/headprobe/headprobe/internal/stack"
)

// caught receives every signal from init on; it is buffered, as signals may arrive before Context runs.
var caught = make(chan os.Signal, 8)

func init() {
	// The first of headprobe's inits to run is the place to grow the main goroutine's stack once,
	// before the other inits and the command line grow it frame by frame (internal/stack).
	stack.Reserve()
	// SIGPIPE is caught too, and then never acted on: a write to a reader that went away returns
	// EPIPE instead of killing the process, so the verdict's exit code stands.
	signal.Notify(caught, append(ending(), syscall.SIGPIPE)...)
}

// Context is parent cancelled by the first signal other than SIGPIPE, caught since init, that the
// interceptor (Intercept) does not take.
func Context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		for {
			select {
			case s := <-caught:
				if s == syscall.SIGPIPE {
					continue
				}
				if f := interceptor.Load(); f != nil && (*f)(s) {
					continue
				}
				ended.Store(&s)
				cancel()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, cancel
}

// interceptor, when set, sees each signal first and takes those it returns true for.
var interceptor atomic.Pointer[func(os.Signal) bool]

// ended is the signal that cancelled Context's context.
var ended atomic.Pointer[os.Signal]

// Intercept makes Context's goroutine call f with each signal before it ends the run: a signal f
// returns true for is taken (a server reloads on SIGHUP, logs and ignores SIGUSR1), the others end
// the run as before. stop removes f.
func Intercept(f func(os.Signal) bool) (stop func()) {
	interceptor.Store(&f)
	return func() { interceptor.CompareAndSwap(&f, nil) }
}

// Ended is the signal that ended the run, or nil when none did.
func Ended() os.Signal {
	if s := ended.Load(); s != nil {
		return *s
	}
	return nil
}
