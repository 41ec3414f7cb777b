package cli

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/config"
)

// fleetYAML is a targets file of n targets, each with an L2, a builder and three labels, as a
// real fleet's.
func fleetYAML(n int) string {
	var b strings.Builder
	b.WriteString("defaults:\n  timeout: 1s\ntargets:\n")
	for i := range n {
		fmt.Fprintf(&b, "  t%d:\n    l2: http://127.0.%d.%d:8551\n    builder: http://127.1.%d.%d:8551\n    labels: {chain: c%d, role: sequencer, region: r%d}\n",
			i, i/250, i%250, i/250, i%250, i%7, i%5)
	}
	return b.String()
}

// TestTargetsFile_ParseCostPerTargetIsBounded: reading a targets file costs a bounded number of
// allocations and bytes per target, whatever the flags (the keys a target may give are listed
// once per file, not once per target). Counted, not timed: a loaded machine does not change it.
func TestTargetsFile_ParseCostPerTargetIsBounded(t *testing.T) {
	const n = 2000
	path := targetsYAML(t, fleetYAML(n))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := config.LoadTargets(path)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Targets) != n {
		t.Fatalf("%d targets, want %d", len(f.Targets), n)
	}
	allocs := float64(after.Mallocs-before.Mallocs) / n
	bytes := float64(after.TotalAlloc-before.TotalAlloc) / n
	t.Logf("per target: %.0f allocations, %.0f bytes", allocs, bytes)
	if allocs > 150 || bytes > 12<<10 {
		t.Errorf("per target: %.0f allocations and %.0f bytes, want at most 150 and 12 KiB", allocs, bytes)
	}
}
