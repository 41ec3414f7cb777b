package realstack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/headprobe/headprobe/internal/opstack"
	"github.com/headprobe/headprobe/internal/testkit"
)

// enableVar turns the tier on; without it every test skips, loudly.
const enableVar = "HEADPROBE_OPSTACK"

// skipMessage says why the tier did not run and how to run it.
const skipMessage = "SKIPPED: the real OP-stack tier runs only with " + enableVar + "=1 " +
	"(it builds op-geth, op-node, op-conductor and op-batcher once, 1–7 min, into the user's cache): " +
	enableVar + "=1 go test -count=1 -timeout 30m ./internal/e2e/realstack"

// The exit codes.
const (
	exitHealthy     = 0
	exitPartial     = 1
	exitUnavailable = 2
)

var (
	// binary is the compiled headprobe.
	binary string
	// bins are the built OP stack.
	bins opstack.Binaries
)

// TestMain builds the OP stack (once per version, into the user's cache) and headprobe, unless
// the tier is off.
func TestMain(m *testing.M) {
	if os.Getenv(enableVar) != "1" {
		fmt.Fprint(os.Stderr, "\n!!! realstack: "+skipMessage+"\n\n")
		os.Exit(m.Run())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	var err error
	bins, err = opstack.Build(ctx, opstack.BuildOptions{Progress: os.Stderr})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "realstack:", err)
		os.Exit(1)
	}
	testkit.MainWithBinary(m, &binary)
}

// needReal skips the test unless the tier is on.
func needReal(t *testing.T) {
	t.Helper()
	if os.Getenv(enableVar) != "1" {
		t.Skip(skipMessage)
	}
}

// start starts a devnet for the test; it is stopped at the end, its logs' tails printed if the
// test failed.
func start(t *testing.T, opts opstack.Options) *opstack.Devnet {
	t.Helper()
	needReal(t)
	opts.Binaries = bins
	opts.Progress = testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, err := opstack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the devnet's logs:\n%s", d.LogTails(40))
			if dir, err := d.SaveLogs(); err == nil {
				t.Logf("the whole logs are kept in %s", dir)
			}
		}
		if err := d.Close(); err != nil {
			t.Errorf("stopping the devnet: %v", err)
		}
	})
	t.Logf("devnet up in %s", d.Ready)
	return d
}

// testWriter writes lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// ctx is a context for waiting in a test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return c
}

// outcome is one run of the compiled binary.
type outcome struct {
	code           int
	stdout, stderr string
}

// firstLine is the verdict line.
func (o outcome) firstLine() string {
	line, _, _ := strings.Cut(o.stdout, "\n")
	return line
}

// run runs the compiled headprobe with args and a clean environment.
func run(t *testing.T, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		o.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running headprobe: %v", err)
	}
	t.Logf("headprobe %s\n-> exit %d in %s\n%s%s", strings.Join(args, " "), o.code, time.Since(start).Round(time.Millisecond), o.stdout, o.stderr)
	return o
}

// entry is one endpoint or part of the JSON document.
type entry struct {
	OK     bool   `json:"ok"`
	Cause  string `json:"cause"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
	// op-conductor's fields.
	Role             string `json:"role"`
	Leader           *bool  `json:"leader"`
	Active           *bool  `json:"active"`
	Paused           *bool  `json:"paused"`
	SequencerHealthy *bool  `json:"sequencer_healthy"`
	OpNodeSequencing *bool  `json:"op_node_sequencing"`
}

// doc is a run's JSON document.
type doc struct {
	Target   string `json:"target"`
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"`
	Reason   string `json:"reason"`
	// Entries are the endpoints and parts by key: l2, builder, op_node, conductor.
	Entries map[string]entry
}

// parseDoc reads one JSON document.
func parseDoc(t *testing.T, raw []byte) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("not a JSON document: %v\n%s", err, raw)
	}
	var all map[string]json.RawMessage
	json.Unmarshal(raw, &all)
	d.Entries = map[string]entry{}
	for _, k := range []string{"l2", "builder", "op_node", "conductor"} {
		if v, ok := all[k]; ok {
			var e entry
			if err := json.Unmarshal(v, &e); err != nil {
				t.Fatalf("%s in the JSON document: %v", k, err)
			}
			d.Entries[k] = e
		}
	}
	return d
}

// causes are the causes of the failed entries, by key.
func (d doc) causes() map[string]string {
	out := map[string]string{}
	for k, e := range d.Entries {
		if !e.OK {
			out[k] = e.Cause
		}
	}
	return out
}

// probe runs headprobe MODE -o json with a textfile, and checks that the exit code, the JSON
// document and the textfile's headprobe_status and per-endpoint headprobe_endpoint_ok agree.
func probe(t *testing.T, mode string, args ...string) doc {
	t.Helper()
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	o := run(t, append([]string{mode, "-o", "json", "--textfile", prom}, args...)...)
	d := parseDoc(t, []byte(o.stdout))
	states := map[int]string{0: "healthy", 1: "partial", 2: "unavailable", 3: "unknown"}
	if d.ExitCode != o.code || d.Status != states[o.code] {
		t.Errorf("%s: exit %d, JSON exit_code %d status %q", mode, o.code, d.ExitCode, d.Status)
	}
	f, err := os.Open(prom)
	if err != nil {
		t.Fatalf("%s: no textfile: %v", mode, err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("%s: textfile: %v", mode, err)
	}
	status := families["headprobe_status"]
	if status == nil || len(status.Metric) != 1 || int(status.Metric[0].GetGauge().GetValue()) != o.code {
		t.Errorf("%s: textfile headprobe_status %v, exit %d", mode, status, o.code)
	}
	if ok := families["headprobe_endpoint_ok"]; ok != nil {
		for _, m := range ok.Metric {
			for _, l := range m.Label {
				if l.GetName() != "endpoint" {
					continue
				}
				key := strings.ReplaceAll(l.GetValue(), "-", "_")
				if e, found := d.Entries[key]; found && e.OK != (m.GetGauge().GetValue() == 1) {
					t.Errorf("%s: textfile headprobe_endpoint_ok{endpoint=%q} %v, JSON ok %v", mode, l.GetValue(), m.GetGauge().GetValue(), e.OK)
				}
			}
		}
	} else {
		t.Errorf("%s: no headprobe_endpoint_ok in the textfile", mode)
	}
	return d
}

// expect checks a document's exit code and the causes of its failed entries (exactly these).
func expect(t *testing.T, d doc, code int, causes map[string]string) {
	t.Helper()
	if d.ExitCode != code {
		t.Errorf("exit code %d (%s: %s), want %d", d.ExitCode, d.Status, d.Reason, code)
	}
	got := d.causes()
	if len(got) != len(causes) {
		t.Errorf("failed entries %v, want %v", got, causes)
		return
	}
	for k, c := range causes {
		if got[k] != c {
			t.Errorf("failed entries %v, want %v", got, causes)
			return
		}
	}
}

// fleetDocs runs headprobe health --targets FILE -o json and returns each target's document.
func fleetDocs(t *testing.T, targets string) (int, map[string]doc) {
	t.Helper()
	o := run(t, "health", "--targets", targets, "-o", "json")
	var fleet []json.RawMessage // one document per target
	if err := json.Unmarshal([]byte(o.stdout), &fleet); err != nil {
		t.Fatalf("--targets -o json: %v\n%s", err, o.stdout)
	}
	out := map[string]doc{}
	for _, raw := range fleet {
		d := parseDoc(t, raw)
		out[d.Target] = d
	}
	return o.code, out
}

// unsafeAge is how old s's unsafe head is, as its op-node says.
func unsafeAge(c context.Context, s *opstack.Sequencer) (time.Duration, error) {
	st, err := s.Node.SyncStatus(c)
	return time.Since(time.Unix(int64(st.UnsafeL2.Timestamp), 0)), err
}
