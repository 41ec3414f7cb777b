package report

import (
	"testing"

	"github.com/headprobe/headprobe/check"
)

// A result of no run yet (serve before its first check) has a status and no last-run time, rather
// than a time in year 1.
func TestMetrics_NoRunYetHasNoLastRunTime(t *testing.T) {
	reg, err := Metrics(check.Result{State: check.Unknown}, 0)
	if err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range families {
		names[mf.GetName()] = true
	}
	if !names["headprobe_status"] || names["headprobe_last_run_timestamp_seconds"] || names[lastSuccessName] {
		t.Errorf("series %v: want headprobe_status without run times", names)
	}
}
