package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/statefile"
)

func TestStateFile_JudgesProgressAcrossRunsWithoutWaiting(t *testing.T) {
	net := sequencer(t)
	state := filepath.Join(t.TempDir(), "headprobe.state")
	args := []string{"ready", "--l2", net.L2.HTTPURL(), "--state-file", state, "--max-stall", "20s"}

	first := probeRun(t, args...)
	first.expect(t, 0, "HEALTHY: l2 head #1")
	marks, warning := statefile.Load(state)
	mark, ok := marks[statefile.Key("l2", net.L2.HTTPURL())]
	if warning != "" || !ok || mark.Number != 1 {
		t.Fatalf("state after the first run: %v %q", marks, warning)
	}

	// Pretend the first run was a minute ago: the head has not moved since, so it is stuck.
	mark.Since = time.Now().Add(-time.Minute)
	marks[statefile.Key("l2", net.L2.HTTPURL())] = mark
	if err := statefile.Save(state, marks); err != nil {
		t.Fatal(err)
	}
	stuck := probeRun(t, args...)
	stuck.expect(t, 2, "UNAVAILABLE: l2 head stuck at #1 for 1m0s across runs (max 20s)")
	j := probeRun(t, append(args, "-o", "json")...)
	if d := j.duration(t); j.code != 2 || d > 500*time.Millisecond {
		t.Errorf("json run: exit %d, the probe measured %s; a state-file verdict must not wait (want < 500ms)", j.code, d)
	}
	if stuck.wall > time.Second+fmStartSlack {
		t.Errorf("a state-file verdict took %s of process wall time", stuck.wall)
	}

	seal(t, net.L2)
	probeRun(t, args...).expect(t, 0, "HEALTHY: l2 head #2")
	if marks, _ := statefile.Load(state); marks[statefile.Key("l2", net.L2.HTTPURL())].Number != 2 {
		t.Errorf("the mark did not move to #2: %v", marks)
	}

	if err := os.WriteFile(state, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	corrupt := probeRun(t, args...)
	corrupt.expect(t, 0, "HEALTHY: l2 head #2")
	if !strings.Contains(corrupt.stderr, "ignored") {
		t.Errorf("no warning about the corrupt state file: %q", corrupt.stderr)
	}
}

func TestTextfile_WrittenWhateverTheVerdict(t *testing.T) {
	net := sequencer(t)
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	probeRun(t, append(authArgs(net), "--textfile", prom, "-q")...)
	if data, err := os.ReadFile(prom); err != nil || !strings.Contains(string(data), "headprobe_status 0") {
		t.Fatalf("healthy textfile: %v\n%s", err, data)
	}
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	probeRun(t, append(authArgs(net), "--textfile", prom, "-q")...)
	data, _ := os.ReadFile(prom)
	for _, want := range []string{"headprobe_status 1", `headprobe_up{endpoint="builder"} 0`, `headprobe_up{endpoint="l2"} 1`, "headprobe_last_success_timestamp_seconds"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("partial textfile lacks %q:\n%s", want, data)
		}
	}
	// A configuration error still leaves a file saying so.
	probeRun(t, "--l2", "nope", "--textfile", prom, "-q")
	if data, _ := os.ReadFile(prom); !strings.Contains(string(data), "headprobe_status 3") {
		t.Errorf("unknown textfile:\n%s", data)
	}
	probeRun(t, "--l2", net.L2.HTTPURL(), "--textfile", filepath.Join(t.TempDir(), "x.txt")).expect(t, 3, "UNKNOWN: --textfile must end in .prom")
}

func TestNagiosOutput_FromTheBinary(t *testing.T) {
	net := sequencer(t)
	o := probeRun(t, append(authArgs(net), "-o", "nagios")...)
	o.expect(t, 0, "HEADPROBE OK - ", "| 'l2_age'=", "'builder_head'=1c", "'builder_lag'=0")
	if strings.Count(o.stdout, "\n") != 1 {
		t.Errorf("nagios output must be one line: %q", o.stdout)
	}
	var doc map[string]any
	if json.Unmarshal([]byte(o.stdout), &doc) == nil {
		t.Error("nagios output parsed as JSON")
	}
}

func TestStateFile_TwoRunsAtOnceNeverCorruptIt(t *testing.T) {
	net := sequencer(t)
	state := filepath.Join(t.TempDir(), "headprobe.state")
	for round := range 10 {
		var cmds []*exec.Cmd
		for range 2 {
			cmd := exec.Command(binary, "--l2", net.L2.HTTPURL(), "--builder", net.Builder.HTTPURL(), "--state-file", state, "-q")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		marks, warning := statefile.Load(state)
		if warning != "" || len(marks) != 2 {
			t.Fatalf("round %d: state file after two concurrent runs: %d marks, %q", round, len(marks), warning)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(state)); len(entries) != 1 {
		t.Errorf("temporary files left beside the state file: %d entries", len(entries))
	}
}
