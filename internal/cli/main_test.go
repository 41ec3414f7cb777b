package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
)

func TestPanic_IsUnknownWithOneLine(t *testing.T) {
	stdout := &panicOnce{}
	var stderr bytes.Buffer
	code := Run(context.Background(), []string{"headprobe", "--l2", "http://127.0.0.1:1"}, stdout, &stderr)
	if code != check.Unknown.ExitCode() {
		t.Fatalf("exit %d after a panic, want %d (never Go's panic code 2)", code, check.Unknown.ExitCode())
	}
	if out := stdout.String(); !strings.HasPrefix(out, "UNKNOWN: internal error: ") || strings.Count(out, "\n") != 1 {
		t.Errorf("stdout %q: want one UNKNOWN line", out)
	}
}

// panicOnce is a writer whose first write panics, like a bug in a renderer.
type panicOnce struct {
	buf      bytes.Buffer
	panicked bool
}

func (w *panicOnce) String() string { return w.buf.String() }

func (w *panicOnce) Write(p []byte) (int, error) {
	if !w.panicked {
		w.panicked = true
		panic("renderer exploded\nwith a second line")
	}
	return w.buf.Write(p)
}

func TestHelp_ListsEveryFlagWithItsEnvVar(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"headprobe", "health", "--help"}, &stdout, &stderr); code != check.Healthy.ExitCode() {
		t.Fatalf("help exit %d, want 0", code)
	}
	for _, f := range config.ProbeFlags() {
		name := f.Names()[0]
		if !strings.Contains(stdout.String(), "--"+name) || !strings.Contains(stdout.String(), "$"+config.Env(name)[0]) {
			t.Errorf("help lacks --%s with $%s", name, config.Env(name)[0])
		}
	}
}

func TestVersionAndHelp_ExitZero(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-V"}, {"--help"}, {"watch", "--help"}} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), append([]string{"headprobe"}, args...), &stdout, &stderr); code != check.Healthy.ExitCode() {
			t.Errorf("headprobe %v: exit %d, want 0", args, code)
		}
		if stdout.Len() == 0 {
			t.Errorf("headprobe %v printed nothing", args)
		}
	}
	var stdout bytes.Buffer
	Run(context.Background(), []string{"headprobe", "-V"}, &stdout, &stdout)
	if !strings.HasPrefix(stdout.String(), "headprobe ") || !strings.Contains(stdout.String(), "go1.") {
		t.Errorf("version %q: want name, version, commit and Go version", stdout.String())
	}
}
