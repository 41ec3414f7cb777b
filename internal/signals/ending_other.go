//go:build unix && !linux

package signals

import "os"

// platformEnding are this platform's ending signals beyond those of every Unix: none.
var platformEnding []os.Signal
