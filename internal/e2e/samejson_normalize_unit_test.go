package e2e

import (
	"strings"
	"testing"
)

// TestSameJSON_NormalizeDropsOnlyTiming: the comparison mode's normalization removes the timing
// fields at any depth and masks durations in strings, and keeps everything else, in its order.
func TestSameJSON_NormalizeDropsOnlyTiming(t *testing.T) {
	doc := func(number, age, reason string) string {
		return `{"status":"healthy","time":"2025-01-01T00:00:00.1Z","duration_seconds":0.0123,"thresholds":{"interval_seconds":1},` +
			`"l2":{"url":"http://127.0.0.1:8545","reason":"` + reason + `","head":{"number":` + number + `,"hash":"0xb10c"},"age_seconds":` + age +
			`,"latency_seconds":0.001,"window_seconds":1.5,"clock_ahead_seconds":3,"unsafe_l2":{"number":1,"age_seconds":2}}}` + "\n"
	}
	a, err := samejsonNormalize(doc("16", "1", "head #16 is 1s old, +2 in 1.002s (max 30s)"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := samejsonNormalize(doc("16", "2.5", "head #16 is 2s old, +2 in 999ms (max 1h0m0s)"))
	if err != nil {
		t.Fatal(err)
	}
	if d := samejsonDiff(a, b); d != "" {
		t.Errorf("documents differing in timing alone differ:\n%s", d)
	}
	for _, gone := range []string{"time", "duration_seconds", "age_seconds", "latency_seconds", "window_seconds", "clock_ahead_seconds", "s old"} {
		if strings.Contains(a, `"`+gone+`"`) || strings.Contains(a, "1"+gone) {
			t.Errorf("%s is left in:\n%s", gone, a)
		}
	}
	for _, kept := range []string{`"interval_seconds": 1`, `"url": "http://127.0.0.1:8545"`, "head #16 is <duration> old", `"hash": "0xb10c"`} {
		if !strings.Contains(a, kept) {
			t.Errorf("%s is missing from:\n%s", kept, a)
		}
	}
	if strings.Index(a, `"status"`) > strings.Index(a, `"thresholds"`) {
		t.Errorf("the keys' order is lost:\n%s", a)
	}
	c, _ := samejsonNormalize(doc("17", "1", "head #17 is 1s old"))
	if d := samejsonDiff(a, c); !strings.Contains(d, `-       "number": 16,`) || !strings.Contains(d, `+       "number": 17,`) {
		t.Errorf("another head is not shown as a difference:\n%s", d)
	}
}
