package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSignal_AnyCatchableOneEndsLikeSIGTERM: every signal kill can deliver and Go can catch, during
// a long --interval, ends the run as SIGTERM does: exit 3, "interrupted", the textfile written, no
// dump. SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGSYS sent by kill are asynchronous: they are caught
// like the others, not taken for a crash (exit 2, which reads as "unavailable").
func TestSignal_AnyCatchableOneEndsLikeSIGTERM(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGABRT,
		syscall.SIGINT, syscall.SIGTERM, syscall.SIGTRAP, syscall.SIGXCPU, syscall.SIGXFSZ, syscall.SIGVTALRM, syscall.SIGIO,
		syscall.SIGSTKFLT, syscall.SIGPWR, syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGILL, syscall.SIGFPE, syscall.SIGSYS} {
		t.Run(sig.String(), func(t *testing.T) {
			ep := fmRPC(fmFresh)(t, nil)
			prom := filepath.Join(t.TempDir(), "headprobe.prom")
			o := faultCase{signal: sig}.interrupt(t, ep, []string{"--l2", ep.url, "--interval", "30s", "--textfile", prom})
			o.expect(t, exitUnknown, "UNKNOWN: interrupted")
			if strings.Contains(o.stderr, "goroutine") {
				t.Errorf("stderr holds a goroutine dump:\n%s", o.stderr)
			}
			if m, err := os.ReadFile(prom); err != nil || !strings.Contains(string(m), "\nheadprobe_status 3\n") {
				t.Errorf("textfile: %v\n%s", err, m)
			}
		})
	}
}

// TestSignal_DuringStartupIsCaught: the handlers are installed by the first package Go initialises
// after the standard library's; a SIGTERM sent right then, while the other hundred packages are
// still being initialised and before main runs, still ends the run as "interrupted" with exit 3.
func TestSignal_DuringStartupIsCaught(t *testing.T) {
	// An L2 that never answers, so the run cannot end on its own before the signal lands.
	silent := fmSilent(t, nil)
	cmd := exec.Command(binary, "--l2", silent.url, "--interval", "30s", "--timeout", "30s")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "GODEBUG=inittrace=1"}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const pkg = "github.com/headprobe/headprobe/internal/signals"
	first := ""
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		f := strings.Fields(lines.Text()) // init PATH @T ms, …
		if len(f) < 2 || f[0] != "init" || !strings.Contains(f[1], ".") {
			continue // the standard library's packages have no dot in their path
		}
		if first == "" {
			first = f[1]
			cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	cmd.Wait()
	if first != pkg {
		t.Errorf("first package initialised after the standard library: %q, want %s", first, pkg)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitUnknown || !strings.HasPrefix(stdout.String(), "UNKNOWN: interrupted") {
		t.Errorf("SIGTERM during the other packages' init: %s, stdout %q; want exit 3 and UNKNOWN: interrupted", cmd.ProcessState, stdout.String())
	}
}

// TestSignal_SIGTERMAtOnce sends SIGTERM right after exec, before the Go runtime can have reached
// any package: such a signal cannot be caught by a Go program, and ends it as SIGTERM's default
// action does (143). The test only checks that no other outcome occurs, and logs the rate.
func TestSignal_SIGTERMAtOnce(t *testing.T) {
	const runs = 10
	uncaught := 0
	for range runs {
		cmd := exec.Command(binary, "--l2", "http://127.0.0.1:1", "--interval", "30s")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		switch code := cmd.ProcessState.ExitCode(); {
		case code == exitUnknown:
		case code == -1 && cmd.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGTERM:
			uncaught++
		default:
			t.Errorf("exit %d (%s) after an immediate SIGTERM, want %d or death by SIGTERM", code, cmd.ProcessState, exitUnknown)
		}
	}
	t.Logf("%d of %d SIGTERMs sent right after exec arrived before the Go runtime could catch them", uncaught, runs)
}

// TestStdoutReaderGone_KeepsTheVerdictsExitCode is `headprobe … | true`: stdout is a pipe whose
// reader is closed before the verdict is written, and the exit code is still the verdict's.
func TestStdoutReaderGone_KeepsTheVerdictsExitCode(t *testing.T) {
	for range 3 {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		cmd := exec.Command(binary, "--l2", "http://127.0.0.1:1")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		cmd.Stdout = w
		err = cmd.Run()
		w.Close()
		if code := cmd.ProcessState.ExitCode(); code != exitUnavailable {
			t.Fatalf("exit %d (%v) with a closed stdout against a refused port, want %d", code, err, exitUnavailable)
		}
	}
}

// TestWatchReaderGone_EndsLikeCtrlC is `headprobe watch … | head -1`: when the reader of its lines
// goes away, watch ends as it does on Ctrl-C (exit 0), without an error on stderr.
func TestWatchReaderGone_EndsLikeCtrlC(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := exec.Command(binary, "watch", "--every", "100ms", "--l2", "http://127.0.0.1:1")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	w.Close()
	if code := cmd.ProcessState.ExitCode(); code != 0 || stderr.Len() != 0 {
		t.Errorf("watch with its reader gone: exit %d (%v), stderr %q; want exit 0 and nothing", code, err, stderr.String())
	}
}
