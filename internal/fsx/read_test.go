package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
)

func TestReadOwn_RefusesWhatIsNotARegularFileOfItsOwn(t *testing.T) {
	for _, f := range fsxtest.Foreigners([]byte("foreign")) {
		if f.Name == "foreign regular file" {
			continue // ReadOwn reads it; only its caller can tell whose it is
		}
		t.Run(f.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state")
			f.Make(t, path)
			before := fsxtest.Snapshot(t, path)
			done := make(chan error, 1)
			go func() { _, err := ReadOwn(path, 1<<10); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadOwn blocked")
			}
			var refused *Refused
			if !errors.As(err, &refused) || refused.Reason != f.Kind {
				t.Errorf("error %v, want a *Refused saying %q", err, f.Kind)
			}
			if fsxtest.Snapshot(t, path) != before {
				t.Error("reading changed the path")
			}
		})
	}
}

func TestReadOwn_ReadsARegularFileAndSaysWhenNothingIsThere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	if _, err := ReadOwn(path, 1<<10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if err := os.WriteFile(path, []byte("headprobe"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadOwn(path, 1<<10); err != nil || string(data) != "headprobe" {
		t.Errorf("read %q, %v", data, err)
	}
	var refused *Refused
	if _, err := ReadOwn(path, 4); !errors.As(err, &refused) {
		t.Errorf("a file over the limit: %v, want a *Refused", err)
	}
}

func TestReadOwnPrefix_TheFirstBytesWhateverTheSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	if _, err := ReadOwnPrefix(path, 4); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if err := os.WriteFile(path, []byte("headprobe and more"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadOwnPrefix(path, 9); err != nil || string(data) != "headprobe" {
		t.Errorf("prefix %q, %v; want %q", data, err, "headprobe")
	}
	if data, err := ReadOwnPrefix(path, 1<<10); err != nil || string(data) != "headprobe and more" {
		t.Errorf("a file shorter than the prefix: %q, %v", data, err)
	}
}
