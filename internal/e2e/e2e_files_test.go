package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
	"github.com/headprobe/headprobe/statefile"
)

// warnedOnce checks that stderr has exactly one line about path and that it holds every part.
func warnedOnce(t *testing.T, stderr, path string, parts ...string) {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, path) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("want one warning about %s, got %d:\n%s", path, len(lines), stderr)
	}
	for _, p := range parts {
		if !strings.Contains(lines[0], p) {
			t.Errorf("warning %q lacks %q", lines[0], p)
		}
	}
}

func TestStateFile_LeavesWhatIsNotHeadprobesAsItIs(t *testing.T) {
	net := sequencer(t)
	secret, err := os.ReadFile(net.JWTSecretFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fsxtest.Foreigners(secret) {
		t.Run(f.Name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "jwt.hex")
			f.Make(t, state)
			before := fsxtest.Snapshot(t, state)
			o := probeRun(t, "ready", "--l2", net.L2.HTTPURL(), "--state-file", state, "--max-stall", "20s")
			o.expect(t, 0, "HEALTHY: l2 head #1")
			why := f.Kind
			if f.Name == "foreign regular file" {
				why = "is not a headprobe state file"
			}
			warnedOnce(t, o.stderr, state, "warning: state file", "ignored and not written: "+why)
			if after := fsxtest.Snapshot(t, state); after != before {
				t.Errorf("changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestStateFile_ReplacesAPreviousOne(t *testing.T) {
	net := sequencer(t)
	state := filepath.Join(t.TempDir(), "headprobe.state")
	// A file of another version is still headprobe's: ignored, then replaced.
	if err := os.WriteFile(state, []byte(`{"version":0,"tool":"headprobe","endpoints":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	before := fsxtest.Snapshot(t, state)
	o := probeRun(t, "ready", "--l2", net.L2.HTTPURL(), "--state-file", state, "--max-stall", "20s")
	o.expect(t, 0, "HEALTHY: l2 head #1")
	warnedOnce(t, o.stderr, state, "ignored: version 0, want 1")
	after := fsxtest.Snapshot(t, state)
	if after.Mode != 0o600 || after.Inode == before.Inode {
		t.Errorf("after the run: %v, want a new regular 0600 file", after)
	}
	marks, warning := statefile.Load(state)
	if mark, ok := marks[statefile.Key("l2", net.L2.HTTPURL())]; warning != "" || !ok || mark.Number != 1 {
		t.Errorf("state after the run: %v %q", marks, warning)
	}
}

func TestTextfile_LeavesWhatIsNotItsOwnAsItIs(t *testing.T) {
	net := sequencer(t)
	for _, f := range fsxtest.Foreigners([]byte("# not headprobe's\n")) {
		t.Run(f.Name, func(t *testing.T) {
			prom := filepath.Join(t.TempDir(), "x.prom")
			f.Make(t, prom)
			before := fsxtest.Snapshot(t, prom)
			o := probeRun(t, "ready", "--l2", net.L2.HTTPURL(), "--textfile", prom)
			o.expect(t, 0, "HEALTHY: l2 head #1")
			warnedOnce(t, o.stderr, prom, "warning: textfile", "not written: "+f.Kind+", left as it is")
			if after := fsxtest.Snapshot(t, prom); after != before {
				t.Errorf("changed:\nbefore %v\nafter  %v", before, after)
			}
			// A configuration error writes the textfile too, through the same writer.
			probeRun(t, "--l2", "nope", "--textfile", prom).expect(t, 3, "UNKNOWN: ")
			if after := fsxtest.Snapshot(t, prom); after != before {
				t.Errorf("changed by a configuration error:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}
