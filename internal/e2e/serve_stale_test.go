package e2e

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fSetPipeSize is Linux's F_SETPIPE_SZ.
const fSetPipeSize = 1031

// TestServe_LoopStuckOnItsLog_AnswersNoFreshVerdict: a check loop that cannot go on (here, serve
// blocked writing a warning to a log whose reader stopped reading: a one-page pipe, full) never
// makes its last verdict look current. The HTTP side keeps answering, 503 "no fresh verdict: last
// check finished …s ago", and /metrics says status 3; once the log is read again, the checks go
// on and the answers are fresh again.
func TestServe_LoopStuckOnItsLog_AnswersNoFreshVerdict(t *testing.T) {
	ep := fmRPC(fmFresh)(t, nil)
	dir := t.TempDir()
	textfile := filepath.Join(dir, "a-directory.prom") // a directory: every check warns that it is not written
	if err := os.Mkdir(textfile, 0o755); err != nil {
		t.Fatal(err)
	}
	logR, logW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer logR.Close()
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, logW.Fd(), fSetPipeSize, 4096); errno != 0 {
		t.Skipf("F_SETPIPE_SZ: %v", errno)
	}
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--l2", ep.url, "--every", "20ms", "--timeout", "200ms",
		"--max-stall", "1h", "--textfile", textfile)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	cmd.Stderr = logW
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logW.Close()
	s := &served{cmd: cmd, stdout: &strings.Builder{}, stderr: &strings.Builder{}, mu: &sync.Mutex{}, exited: make(chan struct{})}
	go func() { io.Copy(io.Discard, stdout); s.err = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-s.exited })
	log := bufio.NewReader(logR)
	first, err := log.ReadString('\n')
	m := serveAnswering.FindStringSubmatch(first)
	if err != nil || m == nil {
		t.Fatalf("first line on stderr %q (%v), want where serve answers", first, err)
	}
	s.base = "http://" + m[1]
	// No one reads the log now: within a few dozen checks it is full, and the loop blocks.
	a := s.await(t, "/healthz", 503, 15*time.Second, "UNKNOWN: no fresh verdict: last check finished ")
	t.Logf("with the log full: %d %q", a.code, a.body)
	if a := s.get(t, "/-/healthy"); a.code != 200 {
		t.Errorf("/-/healthy: %d, want 200 (the loop is blocked, not ended)", a.code)
	}
	for _, path := range []string{"/readyz", "/livez"} {
		if a := s.get(t, path); a.code != 503 || !strings.HasPrefix(a.body, "UNKNOWN: no fresh verdict: ") {
			t.Errorf("GET %s with the log full: %d %q", path, a.code, a.body)
		}
	}
	if a := s.get(t, "/metrics"); !strings.Contains(a.body, "\nheadprobe_status 3\n") {
		t.Errorf("/metrics with no fresh verdict does not say headprobe_status 3")
	}
	// The log is read again: the checks go on.
	warned := make(chan string, 1)
	go func() {
		line, _ := log.ReadString('\n')
		warned <- line
		io.Copy(io.Discard, log)
	}()
	s.await(t, "/healthz", 200, 15*time.Second, "HEALTHY: ")
	if line := <-warned; !strings.Contains(line, "textfile "+textfile+" not written") {
		t.Errorf("the log held %q, want the textfile warning", line)
	}
	s.stop(t, syscall.SIGTERM)
}
