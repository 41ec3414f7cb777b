package report

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/headprobe/headprobe/internal/fsx"
	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
)

func TestTextfile_LeavesWhatIsNotItsOwnAsItIs(t *testing.T) {
	for _, f := range fsxtest.Foreigners([]byte("# foreign\n")) {
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
