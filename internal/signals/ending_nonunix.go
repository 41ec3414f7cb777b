//go:build !unix

package signals

import (
	"os"
	"syscall"
)

// ending are the signals a non-Unix platform delivers to a process: interrupt and termination.
func ending() []os.Signal { return []os.Signal{os.Interrupt, syscall.SIGTERM} }
