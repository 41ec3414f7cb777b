package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/opnode"
	"github.com/headprobe/headprobe/rpc"
)

// partialResult is a typical PARTIAL verdict: a fresh L2 at #1240 and a builder 37 s old at #1234.
func partialResult() check.Result {
	l2 := check.Endpoint{Role: execution.L2, URL: "http://l2:8551", Observation: check.Observation{
		Last: &check.Head{Number: 1240, Hash: common.HexToHash("0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938"), Timestamp: 1000},
		Age:  time.Second, Samples: 1, Latency: 1500 * time.Microsecond,
	}}
	b := check.Endpoint{Role: execution.Builder, URL: "http://builder:8552", Observation: check.Observation{
		Last: &check.Head{Number: 1234, Hash: common.HexToHash("0x469d"), Timestamp: 964},
		Age:  37 * time.Second, Samples: 1, Latency: 2 * time.Millisecond,
	}}
	r := check.Judge(check.Health, check.Config{MaxAge: 10 * time.Second}, []check.Endpoint{l2, b}, execution.Relations(nil, false))
	r.Start = time.Unix(1_800_000_000, 500_000_000)
	return r
}

func TestText_FirstLineIsTheVerdict(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, partialResult(), false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if lines[0] != "PARTIAL: builder head #1234 is 37s old (max 10s)" {
		t.Errorf("first line %q", lines[0])
	}
	if len(lines) != 3 || !strings.Contains(lines[1], "#1240") || !strings.Contains(lines[1], "0x834f…b938") || !strings.Contains(lines[2], "FAIL") {
		t.Errorf("endpoint lines:\n%s", b.String())
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("colour codes without colour")
	}
	b.Reset()
	Text(&b, partialResult(), true)
	if !strings.HasPrefix(b.String(), "\x1b[") {
		t.Errorf("no colour on request: %q", b.String())
	}
}

func TestJSON_FieldsAndErrorClass(t *testing.T) {
	r := partialResult()
	e := r.Endpoint("builder")
	e.Err, e.Last = &rpc.Failure{Class: rpc.ClassRefused, Msg: "connection refused"}, nil
	r = check.Judge(r.Mode, r.Config, r.Endpoints, r.Relations)
	var b bytes.Buffer
	JSON(&b, r)
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	builder := doc["builder"].(map[string]any)
	if doc["status"] != "partial" || doc["exit_code"] != 1.0 || builder["error_class"] != "refused" || builder["cause"] != "unreachable" || builder["head"] != nil || builder["age_seconds"] != nil {
		t.Errorf("json: %s", b.String())
	}
	if l2 := doc["l2"].(map[string]any); l2["age_seconds"] != 1.0 || l2["cause"] != nil || l2["head"].(map[string]any)["number"] != 1240.0 {
		t.Errorf("l2 json: %v", l2)
	}
}

func TestNagios_OneLineWithPerfData(t *testing.T) {
	var b bytes.Buffer
	Nagios(&b, partialResult())
	want := "HEADPROBE WARNING - builder head #1234 is 37s old (max 10s) | " +
		"'l2_age'=1s;;10;0 'l2_head'=1240c 'l2_progress'=0c 'l2_latency'=0.0015s;;;0 " +
		"'builder_age'=37s;;10;0 'builder_head'=1234c 'builder_progress'=0c 'builder_latency'=0.002s;;;0 'builder_lag'=6\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	for code, state := range []check.State{check.Healthy, check.Partial, check.Unavailable, check.Unknown} {
		b.Reset()
		Nagios(&b, check.Result{State: state, Reason: "a | b"})
		if !strings.HasPrefix(b.String(), "HEADPROBE "+[]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}[code]+" - a / b") {
			t.Errorf("state %s: %q", state, b.String())
		}
	}
}

// readProm parses a textfile as node_exporter would.
func readProm(t *testing.T, path string) map[string]float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseProm(t, data)
}

// parseProm parses a text exposition as node_exporter would.
func parseProm(t *testing.T, data []byte) map[string]float64 {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, mf := range families {
		for _, m := range mf.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				key += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			out[key] = m.GetGauge().GetValue()
		}
	}
	return out
}

func TestTextfile_MetricsAndCarriedLastSuccess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "headprobe.prom")
	healthy := partialResult()
	healthy = check.Judge(healthy.Mode, healthy.Config, healthy.Endpoints[:1], healthy.Relations)
	healthy.Start = time.Unix(1_800_000_000, 0)
	if err := WriteTextfile(path, healthy); err != nil {
		t.Fatal(err)
	}
	if m := readProm(t, path); m["headprobe_status"] != 0 || m["headprobe_last_success_timestamp_seconds"] != 1_800_000_000 {
		t.Errorf("healthy run: %v", m)
	}

	failed := partialResult() // starts half a minute later and is partial
	if err := WriteTextfile(path, failed); err != nil {
		t.Fatal(err)
	}
	m := readProm(t, path)
	want := map[string]float64{
		"headprobe_status":                                     1,
		"headprobe_up{endpoint=l2}":                            1,
		"headprobe_up{endpoint=builder}":                       1,
		"headprobe_endpoint_ok{endpoint=builder}":              0,
		"headprobe_head_number{endpoint=l2}":                   1240,
		"headprobe_head_number{endpoint=builder}":              1234,
		"headprobe_head_age_seconds{endpoint=builder}":         37,
		"headprobe_head_progress_blocks{endpoint=l2}":          0,
		"headprobe_request_duration_seconds{endpoint=builder}": 0.002,
		"headprobe_builder_lag_blocks":                         6,
		"headprobe_last_run_timestamp_seconds":                 1_800_000_000.5,
		"headprobe_last_success_timestamp_seconds":             1_800_000_000, // carried over
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if err := WriteTextfile(filepath.Join(t.TempDir(), "x.txt"), failed); err == nil {
		t.Error("a path without .prom was accepted")
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(matches) != 1 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestTextfile_UnwritableDirectoryIsAnError(t *testing.T) {
	err := WriteTextfile("/nonexistent-dir/headprobe.prom", partialResult())
	if err == nil || errors.Is(err, nil) {
		t.Fatal("no error for a missing directory")
	}
}

// TestJSONFields_MatchTheREADME keeps the README's table of stable JSON field names and the
// document's struct tags the same, both ways.
func TestJSONFields_MatchTheREADME(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "JSON (`-o json`)")
	end := strings.Index(text[start:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("README has no JSON section")
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(text[start:start+end], "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.SplitN(line, "|", 3)[1]
		for _, name := range strings.Split(cell, ",") {
			documented[strings.Trim(strings.TrimSpace(name), "`.")] = true
		}
	}
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
		return out
	}
	emitted := map[string]bool{}
	names := append(tags(Result{}), tags(Endpoint{})...)
	names = append(names, execution.L2.Key(), execution.Builder.Key()) // the endpoints' keys
	names = append(names, partJSONFields()...)                         // rollup-boost's and op-conductor's (partfields_test.go)
	names = append(names, opnode.Role.Key())                           // op-node's, with its sync status's fields
	names = append(names, tags(opnode.SyncDoc{})...)
	for _, name := range names {
		if name == "-" {
			continue // Endpoints, written under the roles' keys
		}
		emitted[name] = true
		if !documented[name] {
			t.Errorf("JSON field %q is not in the README's table", name)
		}
	}
	for name := range documented {
		if !emitted[name] {
			t.Errorf("the README documents %q, which the JSON document does not have", name)
		}
	}
}

// TestJSONAndText_GarbageTimestampShowsTheTrueDistance: a head stamped at 2^64-1 is that far in
// the future, exactly, not a clamped 8589934592 s.
func TestJSONAndText_GarbageTimestampShowsTheTrueDistance(t *testing.T) {
	r := partialResult()
	l2 := r.Endpoint("l2")
	l2.Age, l2.AheadSeconds, l2.Ahead = 0, 18446744072009551615, 1<<63-1
	var b bytes.Buffer
	JSON(&b, r)
	if !strings.Contains(b.String(), `"clock_ahead_seconds":18446744072009551615,`) {
		t.Errorf("json: %s", b.String())
	}
	b.Reset()
	Text(&b, r, false)
	if !strings.Contains(b.String(), "age 0s (18446744072009551615s in the future)") {
		t.Errorf("text: %s", b.String())
	}
}

func TestText_SameHeightReorgSaysReplaced(t *testing.T) {
	r := partialResult()
	l2 := r.Endpoint("l2")
	h := *l2.Last
	l2.Reorg = &check.Reorg{From: h, To: h}
	var b bytes.Buffer
	Text(&b, r, false)
	if !strings.Contains(b.String(), "reorg: #1240 replaced") || strings.Contains(b.String(), "→") {
		t.Errorf("text: %s", b.String())
	}
}
