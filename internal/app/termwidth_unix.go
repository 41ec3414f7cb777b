//go:build unix

package app

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// TermWidth is the width in columns of the terminal w writes to, asked of the kernel (TIOCGWINSZ)
// at each call, so that a resized terminal is followed; 0 when w is not a terminal or says none.
func TermWidth(w io.Writer) func() int {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	return func() int {
		ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
		if err != nil {
			return 0
		}
		return int(ws.Col)
	}
}
