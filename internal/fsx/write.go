package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// PrefixSize is how much of a file already at the path WriteAtomic reads to tell whether it is
// headprobe's: its first bytes, whatever its size, since headprobe's files start with a header.
const PrefixSize = 4 << 10

// WriteAtomic writes data to path with mode perm, atomically: a temporary file in the same
// directory, then a rename, so a reader sees the old file or the new one, never a mix. It writes
// only where nothing is, or over a regular file for which ours(its first PrefixSize bytes, all
// of it when shorter) is true, whatever its size. Anything else (a symlink, a directory, a
// device, a FIFO, a socket, a regular file that is not ours, one that cannot be read) is left as
// it is, byte for byte, and the error is a *Refused naming it.
// A symlink is refused rather than followed, so nothing is ever written through it.
// The check and the rename are not one step: a file put there in between is replaced.
func WriteAtomic(path string, data []byte, perm fs.FileMode, ours func(prefix []byte) bool) error {
	prefix, err := ReadOwnPrefix(path, PrefixSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !ours(prefix):
		return &Refused{path, "is not a file headprobe wrote"}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil { // whatever the umask, as for a file made afresh
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
