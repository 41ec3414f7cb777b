package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/statefile"
)

// runFleetCommand runs headprobe in-process with args and returns the exit code and outputs.
func runFleetCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), hp(args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// refusedURL is a loopback URL where nothing listens.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return "http://" + ln.Addr().String()
}

func TestFleet_WorstFirstThenByNameAndASummary(t *testing.T) {
	node, down := rpcNode(t).URL, refusedURL(t)
	dir := t.TempDir()
	path := targetsYAML(t, fmt.Sprintf(`defaults:
  timeout: 1s
  labels: {chain: devnet}
targets:
  h2: {l2: %[1]s}
  h1: {l2: %[1]s, labels: {chain: other}}
  part: {l2: %[1]s, builder: %[2]s}
  down: {l2: %[2]s}
  h3: {l2: %[1]s}
`, node, down))
	textfile, state := filepath.Join(dir, "fleet.prom"), filepath.Join(dir, "state")
	code, out, errOut := runFleetCommand(t, "--targets", path, "--textfile", textfile, "--state-file", state)
	if code != check.Unavailable.ExitCode() {
		t.Errorf("exit %d, want the worst state's %d", code, check.Unavailable.ExitCode())
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var names []string
	for _, l := range lines[:len(lines)-1] {
		names = append(names, strings.Fields(l)[0])
	}
	if strings.Join(names, " ") != "down part h1 h2 h3" {
		t.Errorf("order %q, want worst first, then by name:\n%s", names, out)
	}
	if !strings.HasPrefix(lines[0], "down  UNAVAILABLE: l2 ") || !strings.HasPrefix(lines[1], "part  PARTIAL: builder ") {
		t.Errorf("lines:\n%s", out)
	}
	if got := lines[len(lines)-1]; got != "1 of 5 partial, 1 unavailable" {
		t.Errorf("summary %q", got)
	}
	if errOut != "" {
		t.Errorf("stderr %q", errOut)
	}
	prom, err := os.ReadFile(textfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`headprobe_status{chain="devnet",target="down"} 2`,
		`headprobe_status{chain="devnet",target="part"} 1`,
		`headprobe_status{chain="other",target="h1"} 0`,
		`headprobe_up{chain="devnet",endpoint="builder",target="part"} 0`,
	} {
		if !strings.Contains(string(prom), want) {
			t.Errorf("textfile lacks %s:\n%s", want, prom)
		}
	}
	marks, w := statefile.Load(state)
	if _, ok := marks[statefile.Key("l2", node)]; w != "" || !ok {
		t.Errorf("state file: %v %q, want the healthy node's mark", marks, w)
	}

	code, out, _ = runFleetCommand(t, "--targets", path, "-o", "json")
	var docs []struct {
		Target string            `json:"target"`
		Labels map[string]string `json:"labels"`
		Status string            `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil || code != 2 || len(docs) != 5 {
		t.Fatalf("JSON: %v, exit %d, %d documents:\n%s", err, code, len(docs), out)
	}
	if d := docs[0]; d.Target != "down" || d.Status != "unavailable" || d.Labels["chain"] != "devnet" || d.Labels["target"] != "" {
		t.Errorf("first document %+v", d)
	}

	code, out, _ = runFleetCommand(t, "--targets", path, "-o", "nagios")
	if first, _, _ := strings.Cut(out, "\n"); code != 2 || first != "HEADPROBE CRITICAL - 1 of 5 partial, 1 unavailable" {
		t.Errorf("nagios: exit %d, %q", code, first)
	}
	if code, out, _ := runFleetCommand(t, "--targets", path, "-q"); code != 2 || out != "" {
		t.Errorf("quiet: exit %d, %q", code, out)
	}
	code, out, _ = runFleetCommand(t, "--targets", path, "--target", "h1", "-o", "json")
	var one struct {
		Target string            `json:"target"`
		Labels map[string]string `json:"labels"`
		Status string            `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &one); err != nil || code != 0 || one.Target != "h1" || one.Labels["chain"] != "other" {
		t.Errorf("--target h1: exit %d, %+v, %v", code, one, err)
	}
	if code, out, _ := runFleetCommand(t, "ready", "--targets", path); code != 2 || !strings.HasSuffix(out, "\n1 of 5 unavailable\n") {
		t.Errorf("ready over the fleet: exit %d\n%s", code, out)
	}
}

func TestFleet_KeepsToMaxConcurrent(t *testing.T) {
	var inFlight, most atomic.Int64
	node := rpcNode(t)
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond) // long enough for the checks to overlap
		node.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	var b strings.Builder
	b.WriteString("targets:\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  t%02d: {l2: %s}\n", i, gate.URL)
	}
	code, out, _ := runFleetCommand(t, "--targets", targetsYAML(t, b.String()), "--max-concurrent", "3", "--timeout", "2s")
	if code != 0 || !strings.HasSuffix(out, "\n12 of 12 healthy\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if m := most.Load(); m > 3 || m < 1 {
		t.Errorf("%d checks at once, want at most --max-concurrent 3", m)
	}
}

func TestFleet_TargetWaitingPastTheBoundIsNotChecked(t *testing.T) {
	// A head that never advances: a check waits its whole --interval for progress, holding its slot.
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var c struct {
			ID json.RawMessage `json:"id"`
		}
		json.NewDecoder(r.Body).Decode(&c)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"number":"0x5","hash":"0x%064x","parentHash":"0x%064x","timestamp":"0x%x"}}`, c.ID, 5, 4, time.Now().Unix())
	}))
	t.Cleanup(stuck.Close)
	path := targetsYAML(t, fmt.Sprintf("targets:\n  a: {l2: %[1]s}\n  b: {l2: %[1]s}\n", stuck.URL))
	start := time.Now()
	code, out, _ := runFleetCommand(t, "--targets", path, "--max-concurrent", "1", "--timeout", "200ms", "--interval", "400ms", "-o", "json")
	if wall := time.Since(start); wall > 2*time.Second {
		t.Errorf("the run took %s, past its bound of 450ms (+ slack)", wall)
	}
	var docs []struct {
		Target, Status, Reason string
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 2 {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != 3 || docs[0].Status != "unknown" || !strings.Contains(docs[0].Reason, "not checked") || docs[1].Status != "unavailable" {
		t.Errorf("exit %d, %+v: want the waiting target unknown (not checked) and the stuck one unavailable", code, docs)
	}
}

func TestFleet_AnEndpointGivenOverTheFileIsWarned(t *testing.T) {
	path := targetsYAML(t, "targets:\n  a: {l2: http://a:1}\n  b: {l2: http://b:1, timeout: 2s}\n")
	p := fleetPlan(t, hp("--targets", path), "HEADPROBE_L2=http://c:1", "HEADPROBE_TIMEOUT=3s")
	want := "warning: HEADPROBE_L2 overrides key l2 of 2 targets of " + path + ": they all probe the same endpoint"
	for _, tp := range p.Targets {
		if len(tp.Warnings) != 1 || tp.Warnings[0] != want || tp.cfg.Endpoints[0].URL != "http://c:1" {
			t.Errorf("target %s: warnings %q, l2 %s; want %q", tp.Target, tp.Warnings, tp.cfg.Endpoints[0].URL, want)
		}
	}
	if p := fleetPlan(t, hp("--targets", path, "--target", "a", "--l2", "http://c:1")); len(p.Warnings) != 0 {
		t.Errorf("one target: warnings %q (overriding one target's key is deliberate)", p.Warnings)
	}
}

func TestFleetWarnings_SharedOnceOthersAfterTheirTarget(t *testing.T) {
	members := []*config.Config{{Target: "a"}, {Target: "b"}}
	got := app.FleetWarnings(members, [][]string{
		{"warning: HEADPROBE_FOO is not a headprobe variable", "warning: --l2-jwt-secret: x is readable by every user"},
		{"warning: HEADPROBE_FOO is not a headprobe variable"},
	})
	want := []string{"warning: HEADPROBE_FOO is not a headprobe variable", "warning: target a: --l2-jwt-secret: x is readable by every user"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%q, want %q", got, want)
	}
}
