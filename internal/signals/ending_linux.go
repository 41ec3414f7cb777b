package signals

import (
	"os"
	"syscall"
)

// platformEnding are Linux's ending signals beyond those of every Unix.
var platformEnding = []os.Signal{syscall.SIGSTKFLT, syscall.SIGPWR}
