package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestColour_OnlyOnATerminal_AndNeverWithNoColor runs the binary under a pseudo-terminal (util-linux
// script) to see what an operator's shell sees.
func TestColour_OnlyOnATerminal_AndNeverWithNoColor(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script (util-linux) is not installed: no pseudo-terminal to test with")
	}
	net := sequencer(t)
	onTTY := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("script", "-qec", binary+" "+strings.Join(args, " "), "/dev/null")
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "TERM=xterm"}, env...)
		out, _ := cmd.Output()
		return string(out)
	}
	const esc = "\x1b["
	if out := onTTY(nil, "--l2", net.L2.HTTPURL()); !strings.Contains(out, esc) || !strings.Contains(out, "HEALTHY") {
		t.Errorf("no colour on a terminal: %q", out)
	}
	if out := onTTY([]string{"NO_COLOR=1"}, "--l2", net.L2.HTTPURL()); strings.Contains(out, esc) || !strings.Contains(out, "HEALTHY") {
		t.Errorf("colour despite NO_COLOR: %q", out)
	}
	if out := onTTY(nil, "--no-color", "--l2", net.L2.HTTPURL()); strings.Contains(out, esc) || !strings.Contains(out, "HEALTHY") {
		t.Errorf("colour despite --no-color: %q", out)
	}
	if o := probeRun(t, "--l2", net.L2.HTTPURL()); strings.Contains(o.stdout, esc) {
		t.Errorf("colour off a terminal: %q", o.stdout)
	}
}
