package e2e

import (
	"strings"
	"testing"
)

func TestProgress_NothingOnStderrOffATerminal(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	o := probeRun(t, "--l2", net.L2.HTTPURL(), "--interval", "1500ms", "--min-blocks", "5")
	if o.code != exitUnavailable || strings.Contains(o.stderr, "waiting") || strings.Contains(o.stderr, "\r") {
		t.Errorf("exit %d, stderr %q: want 2 and no progress display off a terminal", o.code, o.stderr)
	}
}
