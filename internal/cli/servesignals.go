package cli

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/headprobe/headprobe/internal/signals"
)

// serveSignals is what serve does with a signal, logged on log unless quiet: SIGHUP reloads the
// targets file when reload is given, else it is ignored; SIGUSR1 and SIGUSR2 are ignored; every
// other signal (SIGTERM, SIGINT, SIGQUIT…) ends serving: it drains and exits 0. It returns the
// stop of the interception and a function that logs the signal that ended serving, if one did.
func serveSignals(log io.Writer, quiet bool, reload func()) (stop func(), logEnd func()) {
	say := func(format string, a ...any) {
		if !quiet {
			fmt.Fprintf(log, "headprobe serve: "+format+"\n", a...)
		}
	}
	stop = signals.Intercept(func(s os.Signal) bool {
		switch s {
		case syscall.SIGHUP:
			if reload != nil {
				say("%s: reloading the targets file", name(s))
				reload()
			} else {
				say("%s ignored: there is no targets file to reload", name(s))
			}
			return true
		case syscall.SIGUSR1, syscall.SIGUSR2:
			say("%s ignored", name(s))
			return true
		}
		return false
	})
	logEnd = func() {
		if s := signals.Ended(); s != nil {
			say("%s: drained, exiting", name(s))
		}
	}
	return stop, logEnd
}

// name is a signal's name as kill knows it: SIGTERM.
func name(s os.Signal) string {
	if n, ok := s.(syscall.Signal); ok && signalNames[n] != "" {
		return "SIG" + signalNames[n]
	}
	return s.String()
}

// signalNames are the names of the signals serve logs.
var signalNames = map[syscall.Signal]string{
	syscall.SIGHUP: "HUP", syscall.SIGINT: "INT", syscall.SIGQUIT: "QUIT", syscall.SIGTERM: "TERM",
	syscall.SIGUSR1: "USR1", syscall.SIGUSR2: "USR2",
}
