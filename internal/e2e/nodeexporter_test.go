package e2e

import (
	"bytes"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/testkit"
)

// realTool is the path of the real Prometheus tool named name (promtool, prometheus,
// node_exporter): PATH's, else built through the Go toolchain and cached (testkit.Tool).
func realTool(t *testing.T, _ string, names ...string) string {
	t.Helper()
	for _, tl := range testkit.Tools {
		for _, n := range names {
			if slices.Contains(tl.Names, n) {
				return tl.Path(t)
			}
		}
	}
	t.Fatalf("no tool named %q", names)
	return ""
}

// series is one scraped sample: name and labels, and the value.
type series map[string]float64

// key names a sample as name{label=value,…} with the labels in order.
func key(name string, labels map[string]string) string {
	if len(labels) == 0 {
		return name
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, k+"="+labels[k])
	}
	return name + "{" + strings.Join(parts, ",") + "}"
}

// parseExposition reads a text exposition with Prometheus' own parser.
func parseExposition(t *testing.T, data []byte) series {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, data)
	}
	out := series{}
	for name, mf := range families {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.Gauge != nil:
				out[key(name, labels)] = m.GetGauge().GetValue()
			case m.Untyped != nil:
				out[key(name, labels)] = m.GetUntyped().GetValue()
			case m.Counter != nil:
				out[key(name, labels)] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// nodeExporter is a real node_exporter serving only its textfile collector on dir.
type nodeExporter struct{ url string }

func startNodeExporter(t *testing.T, dir string) nodeExporter {
	t.Helper()
	bin := realTool(t, "prometheus-node-exporter", "prometheus-node-exporter", "node_exporter")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--web.listen-address="+addr, "--collector.disable-defaults",
		"--collector.textfile", "--collector.textfile.directory="+dir, "--log.level=warn")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	ne := nodeExporter{url: "http://" + addr + "/metrics"}
	// Poll until it serves, bounded: it is a separate process with its own start-up.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for {
		if resp, err := http.Get(ne.url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return ne
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("node_exporter exited before serving: %v\n%s", err, logs.String())
		case <-deadline:
			t.Fatalf("node_exporter did not serve %s within 15 s\n%s", ne.url, logs.String())
		case <-tick.C:
		}
	}
}

// scrape reads node_exporter's /metrics, which reads the textfile directory anew on each scrape.
func (ne nodeExporter) scrape(t *testing.T) series {
	t.Helper()
	resp, err := http.Get(ne.url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %v, HTTP %d", err, resp.StatusCode)
	}
	return parseExposition(t, body)
}

// promtoolCheck runs `promtool check metrics` on the file, which lints as Prometheus does
// (names, HELP, TYPE, units); exit 0 means no problem.
func promtoolCheck(t *testing.T, path string) {
	t.Helper()
	bin := realTool(t, "prometheus", "promtool")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, "check", "metrics")
	cmd.Stdin = f
	if out, err := cmd.CombinedOutput(); err != nil {
		data, _ := os.ReadFile(path)
		t.Errorf("promtool check metrics %s: %v\n%s\nfile:\n%s", path, err, out, data)
	}
}

// documentedMetrics are the metric names of the README's textfile table.
func documentedMetrics(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(headprobe_[a-z_]+)` \\|").FindAllStringSubmatch(string(testkit.MustRead(t, "README.md")), -1) {
		names = append(names, m[1])
	}
	if len(names) < 10 {
		t.Fatalf("found %d headprobe_* metrics in the README's table, want 10: %v", len(names), names)
	}
	return names
}

// checkScrape asserts that node_exporter read the file without error, that it serves every
// series of the file with the file's value, and every expected series with its value; a want of
// NaN asks for presence with any value, checked by the caller.
func checkScrape(t *testing.T, what string, scraped, file series, want series) {
	t.Helper()
	if v, ok := scraped["node_textfile_scrape_error"]; !ok || v != 0 {
		t.Errorf("%s: node_textfile_scrape_error = %v (present %v), want 0", what, v, ok)
	}
	for k, v := range file {
		if got, ok := scraped[k]; !ok || got != v {
			t.Errorf("%s: node_exporter serves %s = %v (present %v), the file says %v", what, k, got, ok, v)
		}
	}
	for k, v := range want {
		got, ok := scraped[k]
		switch {
		case !ok:
			t.Errorf("%s: %s missing from the scrape", what, k)
		case !math.IsNaN(v) && got != v:
			t.Errorf("%s: %s = %v, want %v", what, k, got, v)
		}
	}
}

// TestTextfile_ReadByRealNodeExporter writes the textfile with the binary against the devnet,
// healthy and then with the builder down, and has a real node_exporter serve it and promtool lint it.
func TestTextfile_ReadByRealNodeExporter(t *testing.T) {
	dir := t.TempDir()
	prom := filepath.Join(dir, "headprobe.prom")
	ne := startNodeExporter(t, dir)
	realTool(t, "prometheus", "promtool")
	documented := documentedMetrics(t)
	covered := map[string]bool{}
	readFile := func() series {
		data, err := os.ReadFile(prom)
		if err != nil {
			t.Fatal(err)
		}
		s := parseExposition(t, data)
		for k := range s {
			name, _, _ := strings.Cut(k, "{")
			covered[name] = true
		}
		return s
	}
	// near checks a time-like or duration-like value that the test cannot know exactly.
	near := func(what string, s series, k string, lo, hi float64) {
		t.Helper()
		if v, ok := s[k]; !ok || v < lo || v > hi {
			t.Errorf("%s: %s = %v (present %v), want within [%v, %v]", what, k, v, ok, lo, hi)
		}
	}
	net := sequencer(t)
	nan := math.NaN()

	before := float64(time.Now().Unix())
	probeRun(t, append(authArgs(net), "--textfile", prom, "-q")...).expect(t, 0, "")
	healthy := readFile()
	checkScrape(t, "healthy", ne.scrape(t), healthy, series{
		"headprobe_status":          0,
		"headprobe_up{endpoint=l2}": 1, "headprobe_up{endpoint=builder}": 1,
		"headprobe_endpoint_ok{endpoint=l2}": 1, "headprobe_endpoint_ok{endpoint=builder}": 1,
		"headprobe_head_number{endpoint=l2}": 1, "headprobe_head_number{endpoint=builder}": 1,
		"headprobe_head_progress_blocks{endpoint=l2}": 0, "headprobe_head_progress_blocks{endpoint=builder}": 0,
		"headprobe_head_age_seconds{endpoint=l2}": nan, "headprobe_head_age_seconds{endpoint=builder}": nan,
		"headprobe_request_duration_seconds{endpoint=l2}": nan, "headprobe_request_duration_seconds{endpoint=builder}": nan,
		"headprobe_builder_lag_blocks":             0,
		"headprobe_last_run_timestamp_seconds":     nan,
		"headprobe_last_success_timestamp_seconds": healthy["headprobe_last_run_timestamp_seconds"],
	})
	after := float64(time.Now().Unix()) + 1
	near("healthy", healthy, "headprobe_last_run_timestamp_seconds", before-1, after)
	for _, e := range []string{"l2", "builder"} {
		near("healthy", healthy, "headprobe_head_age_seconds{endpoint="+e+"}", 0, 3600)
		near("healthy", healthy, "headprobe_request_duration_seconds{endpoint="+e+"}", 1e-6, 5)
	}
	promtoolCheck(t, prom)

	// The builder down: partial values, the builder's head series gone, the last success carried.
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	probeRun(t, append(authArgs(net), "--textfile", prom, "-q")...).expect(t, 1, "")
	partial := readFile()
	checkScrape(t, "partial", ne.scrape(t), partial, series{
		"headprobe_status":          1,
		"headprobe_up{endpoint=l2}": 1, "headprobe_up{endpoint=builder}": 0,
		"headprobe_endpoint_ok{endpoint=l2}": 1, "headprobe_endpoint_ok{endpoint=builder}": 0,
		"headprobe_head_number{endpoint=l2}":              1,
		"headprobe_head_progress_blocks{endpoint=l2}":     0,
		"headprobe_head_age_seconds{endpoint=l2}":         nan,
		"headprobe_request_duration_seconds{endpoint=l2}": nan, "headprobe_request_duration_seconds{endpoint=builder}": nan,
		"headprobe_last_run_timestamp_seconds":     nan,
		"headprobe_last_success_timestamp_seconds": healthy["headprobe_last_run_timestamp_seconds"],
	})
	for _, gone := range []string{"headprobe_head_number{endpoint=builder}", "headprobe_head_age_seconds{endpoint=builder}", "headprobe_builder_lag_blocks"} {
		if _, ok := partial[gone]; ok {
			t.Errorf("partial: %s present without a builder head", gone)
		}
	}
	if partial["headprobe_last_run_timestamp_seconds"] < healthy["headprobe_last_run_timestamp_seconds"] {
		t.Errorf("partial: last run %v before the healthy run's %v", partial["headprobe_last_run_timestamp_seconds"], healthy["headprobe_last_run_timestamp_seconds"])
	}
	promtoolCheck(t, prom)

	// rollup-boost, op-conductor and op-node (parts_conductor_test.go): their series, served and linted too.
	parts := partsTextfileRun(t, net.L2, net.JWTSecretFile, prom)
	checkScrape(t, "parts", ne.scrape(t), readFile(), parts)
	// With op-node (the devnet's stand-in), the builder still down: op-node's series.
	op, err := devnet.StartOpNode(net.L2)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	probeRun(t, append(authArgs(net), "--op-node", op.URL(), "--min-peers", "1", "--textfile", prom, "-q")...).expect(t, 1, "")
	checkScrape(t, "op-node", ne.scrape(t), readFile(), series{
		"headprobe_endpoint_ok{endpoint=op-node}": 1, "headprobe_op_node_lag_blocks": 0, "headprobe_op_node_peers": 8,
		"headprobe_op_node_block_number{ref=unsafe_l2}": 1, "headprobe_op_node_block_age_seconds{ref=safe_l2}": nan,
	})
	promtoolCheck(t, prom)

	for _, name := range documented {
		if !covered[name] {
			t.Errorf("documented metric %s was in neither file", name)
		}
	}

	// A configuration error: the file says unknown, and is still well-formed.
	probeRun(t, "--l2", "nope", "--textfile", prom, "-q").expect(t, 3, "")
	checkScrape(t, "unknown", ne.scrape(t), readFile(), series{"headprobe_status": 3})
	promtoolCheck(t, prom)
}
