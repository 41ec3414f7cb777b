//go:build !unix

package cli

import "io"

// termWidth is not known here: watch's screen is not cut.
func termWidth(io.Writer) func() int { return nil }
