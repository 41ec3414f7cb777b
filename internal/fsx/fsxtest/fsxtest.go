// Package fsxtest puts at a path each kind of thing that headprobe must leave as it is, and takes
// snapshots of a path to show that it did: type, mode and bytes.
package fsxtest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// Foreign is a thing to put at a path before headprobe runs.
type Foreign struct {
	Name string // as "FIFO"
	Kind string // what a *fsx.Refused says it is, as "is a FIFO"
	// Make puts the thing at path; a symlink's target is made next to it.
	Make func(t *testing.T, path string)
}

// Foreigners are the things that are not headprobe's: a character device (made only as root, the
// test is skipped otherwise), a FIFO, a Unix socket, a symlink, a directory and a regular file of
// other content.
// content is what the regular file and the symlink's target hold, e.g. a copy of a JWT secret.
func Foreigners(content []byte) []Foreign {
	return []Foreign{
		{"character device", "is a character device", func(t *testing.T, path string) {
			if os.Geteuid() != 0 {
				t.Skip("making a character device needs root")
			}
			const null = 1<<8 | 3 // /dev/null's major 1, minor 3, as Linux encodes a small dev_t
			must(t, syscall.Mknod(path, syscall.S_IFCHR|0o644, null))
		}},
		{"FIFO", "is a FIFO", func(t *testing.T, path string) { must(t, syscall.Mkfifo(path, 0o644)) }},
		{"socket", "is a socket", func(t *testing.T, path string) {
			if len(path) >= 104 { // sun_path holds 108 bytes
				t.Skipf("%s is too long for a Unix socket's address", path)
			}
			fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
			must(t, err)
			defer syscall.Close(fd)
			must(t, syscall.Bind(fd, &syscall.SockaddrUnix{Name: path})) // the socket file outlives fd
		}},
		{"symlink", "is a symlink", func(t *testing.T, path string) {
			target := path + ".target"
			must(t, os.WriteFile(target, content, 0o644))
			must(t, os.Chmod(target, 0o644))
			must(t, os.Symlink(filepath.Base(target), path))
		}},
		{"directory", "is a directory", func(t *testing.T, path string) {
			must(t, os.Mkdir(path, 0o755))
			must(t, os.Chmod(path, 0o755))
		}},
		{"foreign regular file", "is not a file headprobe wrote", func(t *testing.T, path string) {
			must(t, os.WriteFile(path, content, 0o644))
			must(t, os.Chmod(path, 0o644))
		}},
	}
}

// State is what a snapshot saw at a path; two snapshots are equal when nothing changed.
type State struct {
	Mode    fs.FileMode // type and permission bits, from lstat
	Rdev    uint64      // a device's number
	Inode   uint64
	Data    string // a regular file's bytes
	Link    string // a symlink's target
	Target  string // the snapshot of a symlink's target
	Entries string // a directory's names
}

func (s State) String() string {
	return fmt.Sprintf("%v rdev=%d ino=%d data=%q link=%q target=(%s) entries=%q", s.Mode, s.Rdev, s.Inode, s.Data, s.Link, s.Target, s.Entries)
}

// Snapshot records the path's type, mode, device number, inode and content, without opening
// anything but a regular file.
func Snapshot(t *testing.T, path string) State {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	s := State{Mode: info.Mode()}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		s.Rdev, s.Inode = uint64(st.Rdev), uint64(st.Ino)
	}
	switch {
	case info.Mode().IsRegular():
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Data = string(data)
	case info.Mode()&fs.ModeSymlink != 0:
		if s.Link, err = os.Readlink(path); err != nil {
			t.Fatal(err)
		}
		s.Target = Snapshot(t, filepath.Join(filepath.Dir(path), s.Link)).String()
	case info.IsDir():
		entries, err := os.ReadDir(path)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		s.Entries = strings.Join(names, " ")
	}
	return s
}

// Leftovers are the files in dir other than those named: e.g. temporary files not removed.
func Leftovers(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if !slices.Contains(names, e.Name()) {
			left = append(left, e.Name())
		}
	}
	return left
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
