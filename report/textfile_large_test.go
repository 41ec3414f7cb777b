package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/fsx"
	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
)

// fleetSeries are n targets' series with three labels, healthy or not.
func fleetSeries(n int, state check.State) []Series {
	runs := make([]Series, n)
	for i := range runs {
		r := partialResult()
		r.State = state
		runs[i] = Series{Labels: map[string]string{TargetLabel: fmt.Sprintf("seq-%d", i), "chain": fmt.Sprintf("c%d", i%7), "region": "eu", "role": "sequencer"}, Result: r}
	}
	return runs
}

// TestTextfile_OfAFleetRewrittenEveryRun: the textfile of 2,000 targets (several MiB) is headprobe's
// whatever its size: the next run replaces it and carries every target's last success over.
func TestTextfile_OfAFleetRewrittenEveryRun(t *testing.T) {
	const n = 2000
	path := filepath.Join(t.TempDir(), "fleet.prom")
	if err := WriteSeries(path, fleetSeries(n, check.Healthy)...); err != nil {
		t.Fatal(err)
	}
	first := fsxtest.Snapshot(t, path)
	if len(first.Data) <= 1<<20 {
		t.Fatalf("the textfile of %d targets is %d bytes, want over 1 MiB", n, len(first.Data))
	}
	if err := WriteSeries(path, fleetSeries(n, check.Unavailable)...); err != nil {
		t.Fatalf("second run: %v, want the textfile replaced", err)
	}
	second := fsxtest.Snapshot(t, path)
	if second.Inode == first.Inode || strings.Count(second.Data, "} 2\n") < n {
		t.Errorf("the second run did not replace the textfile")
	}
	for _, i := range []int{0, n / 2, n - 1} {
		want := fmt.Sprintf(`headprobe_last_success_timestamp_seconds{chain="c%d",region="eu",role="sequencer",target="seq-%d"} 1.8000000005e+09`, i%7, i)
		if !strings.Contains(second.Data, want) {
			t.Errorf("the second textfile lacks the carried-over %s", want)
		}
	}
}

// TestTextfile_OnlyItsOwnReplaced: a file is told headprobe's textfile by its first line (its
// header, or, written before the header was, a headprobe_ series' HELP), or is empty; a foreign
// one, small or large, is left as it is.
func TestTextfile_OnlyItsOwnReplaced(t *testing.T) {
	for _, c := range []struct {
		name, content string
		replaced      bool
	}{
		{"empty", "", true},
		{"ours", TextfileHeader + "headprobe_status 0\n", true},
		{"ours, large", TextfileHeader + strings.Repeat("# padding\n", 300_000), true},
		{"an earlier headprobe's", "# HELP headprobe_status Verdict of the last run.\n# TYPE headprobe_status gauge\nheadprobe_status 0\n", true},
		{"another exporter's", "# HELP node_thing A thing.\n# TYPE node_thing gauge\nnode_thing 1\n", false},
		{"foreign, large", strings.Repeat("0123456789abcdef\n", 100_000), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.prom")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			before := fsxtest.Snapshot(t, path)
			err := WriteTextfile(path, partialResult())
			after := fsxtest.Snapshot(t, path)
			var refused *fsx.Refused
			switch {
			case c.replaced && (err != nil || !strings.HasPrefix(after.Data, TextfileHeader) || !strings.Contains(after.Data, "headprobe_status 1\n")):
				t.Errorf("%v; want it replaced by the textfile", err)
			case !c.replaced && (!errors.As(err, &refused) || refused.Reason != "is not a file headprobe wrote" || after != before):
				t.Errorf("%v, changed %v; want it left as it is", err, after != before)
			}
		})
	}
}
