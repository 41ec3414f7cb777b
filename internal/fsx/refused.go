package fsx

import "io/fs"

// Refused is why a path was left as it is: something exists there that headprobe cannot tell
// it wrote, so it is neither read as headprobe's nor replaced.
type Refused struct {
	Path   string
	Reason string // what the path is, as "is a FIFO" or "is not a file headprobe wrote"
}

func (e *Refused) Error() string { return e.Path + " " + e.Reason + ": left as it is" }

// kind names what a file that is not a regular file is, as "a FIFO".
func kind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "a symlink"
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	case mode&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
