package builderblocks

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/watch"
)

// The count reaches every renderer: the text line, the JSON object builder_blocks, the two
// gauges of the textfile and /metrics (one registry, report.Metrics), and watch's screen.
func TestBuilderBlocks_ReportedEverywhere(t *testing.T) {
	r := run(t, check.Health, New(builtChain(100, now-41, 91, 92, 93, 94, 95, 96, 97, 98, 99), opts(10, 1)), 100, nil)
	var text bytes.Buffer
	if err := report.Text(&text, r, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "builder-blocks  ok    landed 9/10 (#91–#100)  last #99, 42s ago  signer "+signer.Hex()) {
		t.Errorf("text:\n%s", text.String())
	}

	var out bytes.Buffer
	if err := report.JSON(&out, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		BuilderBlocks *struct {
			OK                   bool     `json:"ok"`
			Landed               *uint64  `json:"landed"`
			Window               *uint64  `json:"window"`
			LastLandedNumber     *uint64  `json:"last_landed_number"`
			LastLandedAgeSeconds *float64 `json:"last_landed_age_seconds"`
		} `json:"builder_blocks"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	b := doc.BuilderBlocks
	if b == nil || !b.OK || b.Landed == nil || *b.Landed != 9 || *b.Window != 10 || *b.LastLandedNumber != 99 || *b.LastLandedAgeSeconds != 42 {
		t.Fatalf("builder_blocks %s", out.String())
	}

	reg, err := report.Metrics(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			if mf.GetName() == "headprobe_endpoint_ok" && m.GetLabel()[0].GetValue() == Role.Name {
				got["ok"] = m.GetGauge().GetValue()
			}
			if strings.HasPrefix(mf.GetName(), "headprobe_builder_") {
				got[mf.GetName()] = m.GetGauge().GetValue()
			}
		}
	}
	if got["headprobe_builder_blocks_landed_ratio"] != 0.9 || got["headprobe_builder_last_landed_age_seconds"] != 42 || got["ok"] != 1 {
		t.Errorf("series %v", got)
	}

	w := watch.New(func() time.Time { return time.Unix(now, 0) })
	w.Observe(r)
	var screen bytes.Buffer
	if err := w.Screen(&screen, time.Second, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(screen.String(), "builder-blocks  ok      landed 9/10") {
		t.Errorf("watch's screen:\n%s", screen.String())
	}
}

// Missing and unread: the JSON says so, with the class of the transport's failure; the ratio is
// absent when nothing was counted.
func TestBuilderBlocks_FailuresInJSONAndMetrics(t *testing.T) {
	r := run(t, check.Health, New(failing{}, opts(10, 1)), 100, nil)
	doc := report.Document(r)
	var part *report.Part
	for _, p := range doc.Parts {
		if p.Key == "builder_blocks" {
			part = p.Part
		}
	}
	if part == nil || part.OK || part.Cause != "unreachable" {
		t.Fatalf("part %+v", part)
	}
	d := part.Detail.(Doc)
	if d.Landed != nil || d.Window != nil || d.LastLandedNumber != nil {
		t.Errorf("an unread window shows numbers: %+v", d)
	}
	reg, _ := report.Metrics(r, 0)
	families, _ := reg.Gather()
	for _, mf := range families {
		if mf.GetName() == "headprobe_builder_blocks_landed_ratio" {
			t.Errorf("a ratio of an unread window")
		}
	}

	r = run(t, check.Health, New(builtChain(100, now), opts(10, 1)), 100, nil)
	doc = report.Document(r)
	raw, _ := json.Marshal(doc)
	if !strings.Contains(string(raw), `"builder_blocks":{"ok":false,"reason":"no L2 block of the last 10 came from the builder; none seen since headprobe started","cause":"builder_blocks_missing","landed":0,"window":10,"from_number":91,"to_number":100,"last_landed_number":null,"last_landed_age_seconds":null`) {
		t.Errorf("json %s", raw)
	}
}
