package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestWatch_InA80ColumnTerminal_NoLineWraps (issue #18): `headprobe watch` in a real terminal of
// 80 × 24 (tmux), with long reasons from an L2, a builder, rollup-boost, flashblocks and
// op-conductor all refused: no line is wider than the terminal (tmux's joined capture would show
// a wrapped line as a longer one), the long ones end in an ellipsis, and the parts' status column
// lines up with the endpoints'.
func TestWatch_InA80ColumnTerminal_NoLineWraps(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed (.ci/run installs it)")
		}
		t.Skip("tmux is not installed: no terminal to test in")
	}
	session := "headprobe-watch-" + strings.ReplaceAll(t.Name(), "/", "-")
	args := []string{binary, "watch", "--every", "500ms", "--timeout", "200ms",
		"--l2", "http://" + fmClosedPort(t), "--builder", "http://" + fmClosedPort(t),
		"--rollup-boost", "http://" + fmClosedPort(t), "--flashblocks", "ws://" + fmClosedPort(t),
		"--conductor", "http://" + fmClosedPort(t)}
	start := exec.Command("tmux", append([]string{"-L", session, "new-session", "-d", "-x", "80", "-y", "24", "-s", session, "env", "TERM=xterm", "HOME=" + os.Getenv("HOME")}, args...)...)
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", session, "kill-server").Run() })
	var screen string
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := exec.Command("tmux", "-L", session, "capture-pane", "-p", "-J", "-t", session).Output()
		if err != nil {
			t.Fatalf("capture-pane: %v", err)
		}
		screen = string(out)
		if strings.Contains(screen, "conductor") && strings.Contains(screen, "state changes:") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("watch drew no full screen within 20 s:\n%s", screen)
		}
		time.Sleep(100 * time.Millisecond) // polling another process's terminal; there is no clock to fake
	}
	cut, column := 0, -1
	for _, line := range strings.Split(screen, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("a line of %d columns in an 80-column terminal: %q", n, line)
		}
		if strings.HasSuffix(strings.TrimRight(line, " "), "…") {
			cut++
		}
		if f := strings.Fields(line); len(f) >= 2 && (f[1] == "ok" || f[1] == "FAIL" || f[1] == "status") {
			if at := strings.Index(line, " "+f[1]+" ") + 1; column < 0 {
				column = at
			} else if at != column {
				t.Errorf("status at column %d, want %d: %q", at, column, line)
			}
		}
	}
	if cut == 0 {
		t.Errorf("no line cut with an ellipsis, though the reason is longer than 80 columns:\n%s", screen)
	}
	if t.Failed() {
		t.Logf("screen:\n%s", screen)
	}
}
