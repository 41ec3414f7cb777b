package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startLines starts cmd with stdout on a pipe and sends its lines on the returned channel, closed
// at the end of stdout; the process is killed at the end of the test, and stderr is collected.
func startLines(t *testing.T, cmd *exec.Cmd) (<-chan string, *strings.Builder) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) // no-ops once the test has waited for it
	lines := make(chan string)
	go func() {
		defer close(lines)
		for s := bufio.NewScanner(stdout); s.Scan(); {
			lines <- s.Text()
		}
	}()
	return lines, stderr
}

// watchLine is one line of `headprobe watch` off a terminal.
var watchLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (HEALTHY|PARTIAL|UNAVAILABLE|UNKNOWN) l2=(#\d+|-) builder=(#\d+|-) lag=(-?\d+|-) \S`)

func TestWatch_PrintsALinePerCheck_AndCtrlCExitsZero(t *testing.T) {
	net := sequencer(t)
	cmd := exec.Command(binary, "watch", "--every", "200ms", "--l2", net.L2.HTTPURL(), "--builder", net.Builder.HTTPURL())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	lines, stderr := startLines(t, cmd) // a pipe, not a terminal: one line per check

	// Read at least 3 lines; seal a block after the first and wait until a line shows it.
	var got []string
	deadline := time.After(10 * time.Second)
	for len(got) < 3 || !strings.Contains(got[len(got)-1], "l2=#2 builder=#2 lag=0") {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stdout closed after %q; stderr %q", got, stderr.String())
			}
			got = append(got, line)
			if len(got) == 1 {
				seal(t, net.L2, net.Builder)
			}
		case <-deadline:
			t.Fatalf("no line with the sealed block #2 within 10 s: %q", got)
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	exited := make(chan error, 1)
	go func() {
		for range lines { // drain, so the process never blocks writing
		}
		exited <- cmd.Wait()
	}()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after SIGINT: %v, want exit 0; stderr %q", err, stderr.String())
		}
	case <-time.After(time.Second):
		t.Fatal("still running 1 s after SIGINT")
	}
	t.Logf("%d lines, exit %s after SIGINT:\n%s", len(got), time.Since(sent).Round(time.Millisecond), strings.Join(got, "\n"))
	for _, line := range got {
		if !watchLine.MatchString(line) || strings.Contains(line, "\033") {
			t.Errorf("line %q is not `TIME STATE l2=#N builder=#N lag=N reason`", line)
		}
	}
	if !strings.HasPrefix(got[0][21:], "HEALTHY l2=#1 builder=#1 lag=0 l2 head #1 is ") {
		t.Errorf("first line %q, want HEALTHY at #1", got[0])
	}
}
