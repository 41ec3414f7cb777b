package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestWatch_FrozenBuilderWithFreshTimestamps_IsPartialAcrossChecks: a builder that keeps stamping
// fresh timestamps on the same block is never stale by age; watch remembers its head from one check
// to the next (no state file) and calls it stuck once it has not advanced for --max-stall.
func TestWatch_FrozenBuilderWithFreshTimestamps_IsPartialAcrossChecks(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	// The L2 progresses throughout, slowly: the devnet stamps each block at least a second after its
	// parent, so fast sealing would run its head into the future, past --max-clock-skew.
	defer sealEvery(net.L2, 250*time.Millisecond)()
	builder := fmRPC(fmFresh)(t, nil) // #16 for ever, stamped now
	cmd := exec.Command(binary, "watch", "--every", "200ms", "--max-stall", "2s", "--l2", net.L2.HTTPURL(), "--builder", builder.url)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	lines, stderr := startLines(t, cmd)
	var got []string
	deadline := time.After(15 * time.Second)
	for len(got) == 0 || !strings.Contains(got[len(got)-1], "PARTIAL") {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stdout closed after %q; stderr %q", got, stderr.String())
			}
			got = append(got, line)
		case <-deadline:
			t.Fatalf("the frozen builder never turned PARTIAL within 15 s: %q; stderr %q", got, stderr.String())
		}
	}
	t.Logf("%d lines:\n%s", len(got), strings.Join(got, "\n"))
	if first := got[0]; !watchLine.MatchString(first) || !strings.Contains(first, " HEALTHY ") {
		t.Errorf("first line %q, want HEALTHY: the stall starts counting at the first check", first)
	}
	last := got[len(got)-1]
	if !watchLine.MatchString(last) || !strings.Contains(last, " PARTIAL ") || !strings.Contains(last, "builder=#16") ||
		!strings.Contains(last, "builder head stuck at #16 for ") || !strings.Contains(last, "across runs (max 2s)") {
		t.Errorf("last line %q, want PARTIAL: builder stuck at #16 across checks", last)
	}
	if strings.Contains(last, "l2 head stuck") || strings.Contains(last, "UNAVAILABLE") {
		t.Errorf("the progressing L2 was judged stuck: %q", last)
	}
}

// TestWatch_MaxStallAllowedWithoutStateFile: --max-stall needs --state-file for one-shot runs
// only; watch keeps its marks in memory.
func TestWatch_MaxStallAllowedWithoutStateFile(t *testing.T) {
	one := faultExec(t, "health", "--max-stall", "5s", "--l2", "http://127.0.0.1:1")
	if one.code != 3 || !strings.Contains(one.stdout, "--max-stall needs --state-file") {
		t.Errorf("one-shot --max-stall without --state-file: exit %d %q, want refused", one.code, one.stdout)
	}
	// A watch that cannot parse its --every is refused after the rest of the configuration was accepted.
	w := faultExec(t, "watch", "--max-stall", "5s", "--every", "0", "--l2", "http://127.0.0.1:1")
	if w.code != 3 || strings.Contains(w.stdout, "state-file") || !strings.Contains(w.stdout, "--every must be greater than zero") {
		t.Errorf("watch --max-stall without --state-file: exit %d %q, want accepted (only --every refused)", w.code, w.stdout)
	}
}
