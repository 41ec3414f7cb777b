package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fleetTarget is one target of a generated targets file and the state it must end in.
type fleetTarget struct {
	name, l2, builder string
	extra             string // more keys, YAML flow style
	state             string
}

// writeTargets writes targets as a targets file with the given defaults.
func writeTargets(t *testing.T, defaults string, targets []fleetTarget) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "defaults: {%s}\ntargets:\n", defaults)
	for _, tg := range targets {
		fmt.Fprintf(&b, "  %s:\n    l2: %s\n", tg.name, tg.l2)
		if tg.builder != "" {
			fmt.Fprintf(&b, "    builder: %s\n", tg.builder)
		}
		if tg.extra != "" {
			fmt.Fprintf(&b, "    %s\n", tg.extra)
		}
		fmt.Fprintf(&b, "    labels: {kind: %q}\n", tg.state)
	}
	path := filepath.Join(t.TempDir(), "targets.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFleet_FortyTargetsWorstFirst probes 40 targets at once: a real devnet sequencer (L2 and
// builder over the JWT-authenticated Engine API) and Go fakes, some of them failing: stale, a
// builder refused, an L2 that never answers, one refusing. The exit code is the worst state's, the
// lines are worst first, then by name, and the summary counts them.
func TestFleet_FortyTargetsWorstFirst(t *testing.T) {
	net := sequencer(t)
	fresh := func() string { hits := newFaultHits(); return fmHTTP(t, hits, fmRPCHandler(hits, fmFresh)) }
	stale := func() string {
		hits := newFaultHits()
		return fmHTTP(t, hits, fmRPCHandler(hits, fmWithField("timestamp", "0x1")))
	}
	targets := []fleetTarget{{
		name: "devnet-seq", l2: net.L2.AuthURL(), builder: net.Builder.AuthURL(), state: "healthy",
		extra: "l2-jwt-secret: " + net.JWTSecretFile + "\n    builder-jwt-secret: " + net.JWTSecretFile,
	}}
	for i := range 31 {
		targets = append(targets, fleetTarget{name: fmt.Sprintf("chain-%02d", i), l2: fresh(), builder: fresh(), state: "healthy"})
	}
	for i := range 3 {
		targets = append(targets, fleetTarget{name: fmt.Sprintf("partial-%d", i), l2: fresh(), builder: "http://" + fmClosedPort(t), state: "partial"})
	}
	for i := range 2 {
		targets = append(targets, fleetTarget{name: fmt.Sprintf("stale-%d", i), l2: stale(), state: "unavailable"})
		// A short timeout of its own: even when it waits for a slot, it is judged within the run's bound.
		targets = append(targets, fleetTarget{name: fmt.Sprintf("hang-%d", i), l2: fmSilent(t, nil).url, extra: "timeout: 150ms", state: "unavailable"})
	}
	targets = append(targets, fleetTarget{name: "refused", l2: "http://" + fmClosedPort(t), state: "unavailable"})
	if len(targets) != 40 {
		t.Fatalf("%d targets", len(targets))
	}
	path := writeTargets(t, "timeout: 500ms, max-unsafe-interval: 30s", targets)

	run := probeRun(t, "health", "--targets", path, "--max-concurrent", "10")
	if run.code != exitUnavailable {
		t.Errorf("exit %d, want the worst state's %d", run.code, exitUnavailable)
	}
	lines := strings.Split(strings.TrimSuffix(run.stdout, "\n"), "\n")
	if len(lines) != 41 {
		t.Fatalf("%d lines, want 40 and a summary:\n%s", len(lines), run.stdout)
	}
	if got := lines[40]; got != "3 of 40 partial, 5 unavailable" {
		t.Errorf("summary %q", got)
	}
	rank := map[string]int{"unavailable": 0, "partial": 1, "healthy": 2}
	want := slices.Clone(targets)
	slices.SortStableFunc(want, func(a, b fleetTarget) int {
		if rank[a.state] != rank[b.state] {
			return rank[a.state] - rank[b.state]
		}
		return strings.Compare(a.name, b.name)
	})
	for i, tg := range want {
		fields := strings.Fields(lines[i])
		if len(fields) < 2 || fields[0] != tg.name || fields[1] != strings.ToUpper(tg.state)+":" {
			t.Errorf("line %d %q, want %s %s", i+1, lines[i], tg.name, strings.ToUpper(tg.state))
		}
	}
	if limit := 500*time.Millisecond + 50*time.Millisecond + fmStartSlack + 2*time.Second; run.wall > limit {
		t.Errorf("the run took %s of wall time, want within its bound (timeout + margin) and the process's start", run.wall)
	}

	// JSON: each probe within its bound, each document with its target and labels.
	j := probeRun(t, "health", "--targets", path, "-o", "json")
	var docs []struct {
		Target          string            `json:"target"`
		Labels          map[string]string `json:"labels"`
		Status          string            `json:"status"`
		DurationSeconds float64           `json:"duration_seconds"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &docs); err != nil || len(docs) != 40 || j.code != exitUnavailable {
		t.Fatalf("JSON: %v, %d documents, exit %d", err, len(docs), j.code)
	}
	for i, d := range docs {
		if d.Target != want[i].name || d.Status != want[i].state || d.Labels["kind"] != want[i].state {
			t.Errorf("document %d: %+v, want %s %s", i, d, want[i].name, want[i].state)
		}
		if d.DurationSeconds > 0.55 {
			t.Errorf("%s took %.3fs, past its bound of 550ms", d.Target, d.DurationSeconds)
		}
	}

	// One target alone: the usual report, its own exit code.
	probeRun(t, "health", "--targets", path, "--target", "devnet-seq").expect(t, exitHealthy, "HEALTHY: l2 head #1")
	probeRun(t, "--targets", path, "--target", "partial-1").expect(t, exitPartial, "PARTIAL: builder")
}

// TestFleet_TextfileReadByRealNodeExporter writes one textfile for three targets, whose labels
// differ in name, and has a real node_exporter serve it and promtool lint it: every series carries
// its target and labels, and each target's last success is carried over on its own.
func TestFleet_TextfileReadByRealNodeExporter(t *testing.T) {
	dir := t.TempDir()
	prom := filepath.Join(dir, "fleet.prom")
	ne := startNodeExporter(t, dir)
	realTool(t, "prometheus", "promtool")
	net := sequencer(t)
	hits := newFaultHits()
	fake := fmHTTP(t, hits, fmRPCHandler(hits, fmFresh))
	path := filepath.Join(t.TempDir(), "targets.yaml")
	text := fmt.Sprintf(`targets:
  devnet:
    l2: %s
    builder: %s
    labels: {chain: devnet, role: sequencer}
  fake:
    l2: %s
    labels: {chain: fake}
  down:
    l2: http://%s
`, net.L2.HTTPURL(), net.Builder.HTTPURL(), fake, fmClosedPort(t))
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	read := func() series {
		data, err := os.ReadFile(prom)
		if err != nil {
			t.Fatal(err)
		}
		return parseExposition(t, data)
	}
	nan := math.NaN()
	probeRun(t, "--targets", path, "--textfile", prom, "-q").expect(t, exitUnavailable, "")
	first := read()
	checkScrape(t, "first", withoutEmptyLabels(ne.scrape(t)), first, series{
		"headprobe_status{chain=devnet,role=sequencer,target=devnet}":                         0,
		"headprobe_status{chain=fake,target=fake}":                                            0,
		"headprobe_status{target=down}":                                                       2,
		"headprobe_up{chain=devnet,endpoint=builder,role=sequencer,target=devnet}":            1,
		"headprobe_up{endpoint=l2,target=down}":                                               0,
		"headprobe_builder_lag_blocks{chain=devnet,role=sequencer,target=devnet}":             0,
		"headprobe_last_success_timestamp_seconds{chain=fake,target=fake}":                    nan,
		"headprobe_last_success_timestamp_seconds{chain=devnet,role=sequencer,target=devnet}": nan,
	})
	if _, ok := first["headprobe_last_success_timestamp_seconds{target=down}"]; ok {
		t.Error("a target never healthy has a last success")
	}
	promtoolCheck(t, prom)

	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	probeRun(t, "--targets", path, "--textfile", prom, "-q").expect(t, exitUnavailable, "")
	second := read()
	devnetSuccess := "headprobe_last_success_timestamp_seconds{chain=devnet,role=sequencer,target=devnet}"
	checkScrape(t, "second", withoutEmptyLabels(ne.scrape(t)), second, series{
		"headprobe_status{chain=devnet,role=sequencer,target=devnet}": 1,
		devnetSuccess: first[devnetSuccess],
	})
	if fakeSuccess := "headprobe_last_success_timestamp_seconds{chain=fake,target=fake}"; second[fakeSuccess] < first[fakeSuccess] {
		t.Errorf("the healthy target's last success went back: %v, was %v", second[fakeSuccess], first[fakeSuccess])
	}
	promtoolCheck(t, prom)
}

// withoutEmptyLabels drops the labels with an empty value from scraped series, as Prometheus does
// on ingestion: node_exporter gives every series of a family the same label names, filling the
// ones a target has not (role="") with "".
func withoutEmptyLabels(in series) series {
	out := series{}
	for k, v := range in {
		name, labels, ok := strings.Cut(strings.TrimSuffix(k, "}"), "{")
		if !ok {
			out[k] = v
			continue
		}
		var kept []string
		for _, l := range strings.Split(labels, ",") {
			if !strings.HasSuffix(l, "=") {
				kept = append(kept, l)
			}
		}
		if len(kept) == 0 {
			out[name] = v
		} else {
			out[name+"{"+strings.Join(kept, ",")+"}"] = v
		}
	}
	return out
}

// TestFleet_InterruptedEndsEveryTarget: SIGTERM during a run over many targets ends it at once:
// every target unknown (interrupted), exit 3, the textfile written, no state saved.
func TestFleet_InterruptedEndsEveryTarget(t *testing.T) {
	ep := fmRPC(fmFresh)(t, nil)
	targets := []fleetTarget{{name: "a", l2: ep.url, state: "unknown"}, {name: "b", l2: fmSilent(t, nil).url, state: "unknown"}}
	path := writeTargets(t, "interval: 30s, timeout: 30s", targets)
	dir := t.TempDir()
	prom, state := filepath.Join(dir, "fleet.prom"), filepath.Join(dir, "state")
	o := faultCase{signal: syscall.SIGTERM}.interrupt(t, ep, []string{"--targets", path, "--textfile", prom, "--state-file", state})
	if o.code != exitUnknown || o.stdout != "a  UNKNOWN: interrupted\nb  UNKNOWN: interrupted\n2 of 2 unknown\n" {
		t.Errorf("exit %d, stdout %q", o.code, o.stdout)
	}
	if m, err := os.ReadFile(prom); err != nil || !strings.Contains(string(m), `headprobe_status{kind="unknown",target="b"} 3`) {
		t.Errorf("textfile: %v\n%s", err, m)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("the state file was written by an interrupted run: %v", err)
	}
}
