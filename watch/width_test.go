package watch

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/headprobe/headprobe/check"
)

// TestScreen_FitsTheTerminalWidth (issue #18): at 80 and 160 columns, a long reason, a long state
// change and a long URL are cut with an ellipsis, so the terminal never wraps a line mid-word;
// the state keeps its colour.
func TestScreen_FitsTheTerminalWidth(t *testing.T) {
	long := "flashblocks stream ws://127.0.0.1:1112 sent no frame for 3s (max 1s): the builder is not building flashblocks; " +
		strings.Repeat("builder head #1200 is 40s old (max 10s); ", 5)
	w := New(newFakeClock().Now)
	w.Observe(result(check.Partial, long, endpoint(l2Role, 1200, true), endpoint(builderRole, 1190, false)))
	for _, width := range []int{80, 160} {
		var out bytes.Buffer
		if err := w.ScreenWidth(&out, time.Second, true, width); err != nil {
			t.Fatal(err)
		}
		s := strings.TrimPrefix(out.String(), ClearScreen)
		s = regexp.MustCompile("\033\\[[0-9;]*m").ReplaceAllString(s, "")
		cut := 0
		for _, line := range strings.Split(s, "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: a line of %d columns: %q", width, n, line)
			}
			if strings.HasSuffix(line, "…") {
				cut++
			}
		}
		if cut < 2 { // the verdict and the state change at least
			t.Errorf("width %d: %d lines cut, want the long ones cut with an ellipsis:\n%s", width, cut, s)
		}
		if !strings.Contains(out.String(), "\033[1;33mPARTIAL\033[") {
			t.Errorf("width %d: the state lost its colour", width)
		}
	}
}

// TestScreen_PartsAlignWithEndpoints (issue #18): the parts' rows (rollup-boost, flashblocks,
// op-conductor) share the endpoints' columns: their status starts where the endpoints' does.
func TestScreen_PartsAlignWithEndpoints(t *testing.T) {
	w := New(newFakeClock().Now)
	r := result(check.Healthy, "fine", endpoint(l2Role, 100, true), endpoint(builderRole, 100, true))
	r.Parts = []check.Finding{
		{Role: check.Role{Name: "rollup-boost", Failure: check.Unavailable}, Reason: "200 OK"},
		{Role: check.Role{Name: "flashblocks", Failure: check.Partial}, Reason: "building #101"},
		{Role: check.Role{Name: "conductor", Failure: check.Partial}, Reason: "leader"},
	}
	w.Observe(r)
	var out bytes.Buffer
	w.ScreenWidth(&out, time.Second, false, 0)
	column := -1
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || (f[1] != "ok" && f[1] != "FAIL" && f[1] != "status") {
			continue
		}
		at := strings.Index(line, " "+f[1]) + 1
		if column < 0 {
			column = at
		} else if at != column {
			t.Errorf("status at column %d, want %d: %q", at, column, line)
		}
	}
	if column < 0 {
		t.Fatalf("no table:\n%s", out.String())
	}
}
