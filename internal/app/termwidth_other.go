//go:build !unix

package app

import "io"

// TermWidth is not known here: watch's screen is not cut.
func TermWidth(io.Writer) func() int { return nil }
