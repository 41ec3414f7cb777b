package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/execution"
)

// testDetail is a Detail with one field and one series.
type testDetail struct {
	line  string
	field string
	value float64
}

func (d *testDetail) Line() string { return d.line }
func (d *testDetail) Doc() any {
	return struct {
		Field string `json:"field"`
	}{d.field}
}
func (d *testDetail) Series() []check.Series {
	return []check.Series{{Name: "headprobe_test_value", Help: "A test value.", Labels: map[string]string{"kind": d.field}, Value: d.value}}
}

// scriptedSighting is a part's sighting that judges as given.
type scriptedSighting struct{ f check.Finding }

func (s scriptedSighting) Judge(check.Mode, check.Config, *check.Result) check.Finding { return s.f }

var testPart = check.Role{Name: "rollup-boost", Title: "rollup-boost", Failure: check.Unavailable, Modes: []check.Mode{check.Health}}

// withParts is partialResult with a detail on the L2's head and a failing part.
func withParts() check.Result {
	r := partialResult()
	seen := append([]check.Endpoint(nil), r.Endpoints...)
	l2 := *seen[0].Last
	l2.Detail = &testDetail{line: "sync ok", field: "l2-detail", value: 7}
	seen[0].Last = &l2
	part := scriptedSighting{check.Finding{Role: testPart, Cause: "rollup_boost_partial", Failure: check.Partial,
		Reason: "rollup-boost reports 206", Note: "disagrees", Detail: &testDetail{line: "206 Partial Content", field: "part-detail", value: 206}}}
	return check.Judge(check.Health, r.Config, seen, execution.Relations(nil, false), part)
}

func TestJSON_DetailsAndParts(t *testing.T) {
	var out bytes.Buffer
	if err := JSON(&out, withParts()); err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.Bytes())
	}
	doc := map[string]map[string]any{}
	for k, v := range raw {
		var m map[string]any
		if json.Unmarshal(v, &m) == nil {
			doc[k] = m
		}
	}
	if got := doc["l2"]["field"]; got != "l2-detail" {
		t.Errorf("l2.field = %v, want the head detail's field joined to the endpoint", got)
	}
	if got := doc["l2"]["url"]; got != "http://l2:8551" {
		t.Errorf("l2.url = %v: the endpoint's own fields are lost", got)
	}
	p := doc["rollup_boost"]
	if p == nil {
		t.Fatalf("no rollup_boost object in %s", out.Bytes())
	}
	for k, want := range map[string]any{"ok": false, "cause": "rollup_boost_partial", "note": "disagrees", "field": "part-detail"} {
		if p[k] != want {
			t.Errorf("rollup_boost.%s = %v, want %v", k, p[k], want)
		}
	}
}

func TestText_PartLine(t *testing.T) {
	var out bytes.Buffer
	Text(&out, withParts(), false)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want headline, l2, builder, rollup-boost:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[1], "sync ok") {
		t.Errorf("the L2's line lacks its head's detail: %q", lines[1])
	}
	if l := lines[3]; !strings.HasPrefix(strings.TrimSpace(l), "rollup-boost  FAIL") || !strings.Contains(l, "206 Partial Content") || !strings.Contains(l, "disagrees") {
		t.Errorf("part line %q", l)
	}
	if !strings.Contains(lines[0], "rollup-boost rollup-boost reports 206") {
		t.Errorf("headline %q lacks the failing part's reason", lines[0])
	}
}

func TestTextfile_DetailSeries(t *testing.T) {
	data, err := renderTextfile(withParts(), 0)
	if err != nil {
		t.Fatal(err)
	}
	m := parseProm(t, data)
	for key, want := range map[string]float64{
		`headprobe_test_value{kind=l2-detail}`:         7,
		`headprobe_test_value{kind=part-detail}`:       206,
		`headprobe_endpoint_ok{endpoint=rollup-boost}`: 0,
	} {
		if got, ok := m[key]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v\n%s", key, got, ok, want, data)
		}
	}
}
