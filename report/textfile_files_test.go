package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/fsx"
	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
)

func TestTextfile_LeavesWhatIsNotARegularFileAsItIs(t *testing.T) {
	for _, f := range fsxtest.Foreigners([]byte("# foreign\n")) {
		if f.Name == "foreign regular file" {
			continue // replaced: TestTextfile_ReplacesAnyRegularFile
		}
		t.Run(f.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.prom")
			f.Make(t, path)
			before := fsxtest.Snapshot(t, path)
			var refused *fsx.Refused
			if err := WriteTextfile(path, partialResult()); !errors.As(err, &refused) || refused.Reason != f.Kind {
				t.Errorf("error %v, want a *fsx.Refused saying %q", err, f.Kind)
			}
			if after := fsxtest.Snapshot(t, path); after != before {
				t.Errorf("changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestTextfile_ReplacesAnyRegularFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.prom")
	if err := os.WriteFile(path, []byte("# foreign\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteTextfile(path, partialResult()); err != nil {
		t.Fatal(err)
	}
	if s := fsxtest.Snapshot(t, path); s.Mode != 0o644 || !strings.Contains(s.Data, "headprobe_status 1\n") {
		t.Errorf("after: %v, want a 0644 textfile", s)
	}
}
