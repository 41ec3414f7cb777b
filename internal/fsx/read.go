package fsx

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ReadRegular reads a regular file of at most limit bytes, following a symlink. It opens without
// blocking and refuses anything else: a FIFO or a device such as /dev/stdin would block before
// any deadline applies. Its errors name the path, never the content.
func ReadRegular(path string, limit int64) ([]byte, error) {
	if info, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	} else if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path) // not even opened: opening a device may act
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// ReadOwn reads the regular file at path itself, of at most limit bytes, as a file headprobe may
// have written: a symlink is not followed. An error wrapping fs.ErrNotExist means nothing is
// there; anything else that is there and cannot be read as a whole is a *Refused. A file renamed
// over path while it is examined (another run saving at the same moment) is examined again.
func ReadOwn(path string, limit int64) ([]byte, error) {
	f, err := OpenOwn(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &Refused{path, "cannot be read (" + unwrapPath(err).Error() + ")"}
	}
	if int64(len(data)) > limit {
		return nil, &Refused{path, fmt.Sprintf("is larger than %d bytes", limit)}
	}
	return data, nil
}

// ReadOwnPrefix is the first n bytes (fewer when the file is shorter) of the file ReadOwn would
// read, whatever its size: enough to tell whose it is by its first line.
func ReadOwnPrefix(path string, n int64) ([]byte, error) {
	f, err := OpenOwn(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		return nil, &Refused{path, "cannot be read (" + unwrapPath(err).Error() + ")"}
	}
	return data, nil
}

// OpenOwn opens for reading the regular file at path itself, as ReadOwn reads it: a symlink is
// not followed and nothing but a regular file is opened; an error wrapping fs.ErrNotExist means
// nothing is there, anything else is a *Refused. The caller closes the file.
func OpenOwn(path string) (*os.File, error) {
	for tries := 1; ; tries++ {
		f, err := openOwnOnce(path)
		var r *Refused
		if tries < 5 && errors.As(err, &r) && r.Reason == reasonChanged {
			continue
		}
		return f, err
	}
}

// reasonChanged is why a file replaced between its examination and its opening is refused.
const reasonChanged = "changed while it was read"

// openOwnOnce is one attempt of OpenOwn.
func openOwnOnce(path string) (*os.File, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, &Refused{path, "cannot be examined (" + unwrapPath(err).Error() + ")"}
	}
	if !info.Mode().IsRegular() {
		return nil, &Refused{path, "is " + kind(info.Mode())} // not opened: opening a device may act
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, &Refused{path, "cannot be read (" + unwrapPath(err).Error() + ")"}
	}
	if opened, err := f.Stat(); err != nil || !os.SameFile(info, opened) {
		f.Close()
		return nil, &Refused{path, reasonChanged}
	}
	return f, nil
}

// unwrapPath drops the path from an *os.PathError, which the caller already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
