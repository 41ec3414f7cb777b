package fsx

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
)

// ours is what the tests count as a file headprobe wrote.
func ours(existing []byte) bool { return bytes.HasPrefix(existing, []byte("headprobe ")) }

func TestWriteAtomic_WritesWhereNothingIs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	if err := WriteAtomic(path, []byte("headprobe 1"), 0o644, ours); err != nil {
		t.Fatal(err)
	}
	got := fsxtest.Snapshot(t, path)
	if got.Mode != 0o644 || got.Data != "headprobe 1" {
		t.Errorf("written: %v, want a regular 0644 file holding %q", got, "headprobe 1")
	}
	if left := fsxtest.Leftovers(t, dir, "state"); left != nil {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriteAtomic_ReplacesItsOwnFileByARename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	if err := os.WriteFile(path, []byte("headprobe 1"), 0o640); err != nil {
		t.Fatal(err)
	}
	before := fsxtest.Snapshot(t, path)
	if err := WriteAtomic(path, []byte("headprobe 2"), 0o600, ours); err != nil {
		t.Fatal(err)
	}
	after := fsxtest.Snapshot(t, path)
	if after.Mode != 0o600 || after.Data != "headprobe 2" {
		t.Errorf("replaced: %v, want a regular 0600 file holding %q", after, "headprobe 2")
	}
	if after.Inode == before.Inode {
		t.Error("the file was rewritten in place, not replaced by a rename")
	}
	if left := fsxtest.Leftovers(t, dir, "state"); left != nil {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriteAtomic_LeavesWhatIsNotOursAsItIs(t *testing.T) {
	for _, f := range fsxtest.Foreigners([]byte("0x1234 not headprobe's\n")) {
		t.Run(f.Name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state")
			f.Make(t, path)
			before := fsxtest.Snapshot(t, path)
			done := make(chan error, 1)
			go func() { done <- WriteAtomic(path, []byte("headprobe 2"), 0o600, ours) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("WriteAtomic blocked")
			}
			var refused *Refused
			if !errors.As(err, &refused) || refused.Path != path || refused.Reason != f.Kind {
				t.Errorf("error %v, want a *Refused for %s saying %q", err, path, f.Kind)
			}
			if after := fsxtest.Snapshot(t, path); after != before {
				t.Errorf("changed:\nbefore %v\nafter  %v", before, after)
			}
			if left := fsxtest.Leftovers(t, dir, "state", "state.target"); left != nil {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// TestWriteAtomic_OursWhateverItsSize: a file is told ours by its first bytes alone, so a large
// file of ours is replaced and a large one that is not is left; ours never sees more than
// PrefixSize bytes.
func TestWriteAtomic_OursWhateverItsSize(t *testing.T) {
	for _, c := range []struct {
		name    string
		head    string
		replace bool
	}{
		{"ours", "headprobe ", true},
		{"not ours", "0x1234 ", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state")
			big := append([]byte(c.head), bytes.Repeat([]byte("x"), 8<<20)...)
			if err := os.WriteFile(path, big, 0o600); err != nil {
				t.Fatal(err)
			}
			before := fsxtest.Snapshot(t, path)
			seen := -1
			err := WriteAtomic(path, []byte("headprobe 2"), 0o600, func(prefix []byte) bool {
				seen = len(prefix)
				return ours(prefix)
			})
			if seen != PrefixSize {
				t.Errorf("ours was given %d bytes, want the first %d", seen, PrefixSize)
			}
			var refused *Refused
			switch after := fsxtest.Snapshot(t, path); {
			case c.replace && (err != nil || after.Data != "headprobe 2"):
				t.Errorf("a large file of ours: %v, %d bytes after; want it replaced", err, len(after.Data))
			case !c.replace && (!errors.As(err, &refused) || after != before):
				t.Errorf("a large file not ours: %v, changed %v; want a *Refused and the file as it was", err, after != before)
			}
		})
	}
}

func TestWriteAtomic_AMissingDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAtomic(filepath.Join(dir, "missing", "state"), []byte("x"), 0o600, ours); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v, want one wrapping fs.ErrNotExist", err)
	}
	if left := fsxtest.Leftovers(t, dir); left != nil {
		t.Errorf("files left behind: %v", left)
	}
}
