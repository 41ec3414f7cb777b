//go:build unix

package signals

import (
	"os"
	"syscall"
)

// ending are the asynchronous signals a process can catch whose default action ends it (with a
// goroutine dump for SIGQUIT, SIGTRAP, SIGABRT, SIGILL and SIGSYS), or that Go would otherwise
// drop: all but job control, SIGCHLD, SIGWINCH, SIGURG (the runtime's preemption) and SIGPROF (the
// profiler's). SIGSEGV, SIGBUS, SIGFPE and SIGILL are caught only when sent (kill): a fault of the
// program itself is still Go's panic, as the runtime tells the two apart (os/signal's doc).
func ending() []os.Signal {
	return append([]os.Signal{
		syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTRAP, syscall.SIGABRT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGTERM,
		syscall.SIGXCPU, syscall.SIGXFSZ, syscall.SIGVTALRM, syscall.SIGIO,
		syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGILL, syscall.SIGFPE, syscall.SIGSYS,
	}, platformEnding...)
}
