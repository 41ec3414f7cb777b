package conductor

import (
	"slices"
	"testing"

	"github.com/headprobe/headprobe/check"
)

// A leader that does not sequence explains the heads that stop with it, op-node's safe head and
// rollup-boost's failure; nothing explains itself, and op-conductor's other causes explain nothing.
func TestRole_LeaderNotSequencingExplainsWhatStopsWithIt(t *testing.T) {
	for _, tc := range []struct {
		c, other check.Cause
		want     bool
	}{
		{CauseLeaderNotSequencing, check.CauseStale, true},
		{CauseLeaderNotSequencing, check.CauseStuck, true},
		{CauseLeaderNotSequencing, check.CauseStuckAcrossRuns, true},
		{CauseLeaderNotSequencing, check.CauseBehind, true},
		{CauseLeaderNotSequencing, "safe_stale", true},
		{CauseLeaderNotSequencing, "rollup_boost_unavailable", true},
		{CauseLeaderNotSequencing, "rollup_boost_partial", true},
		{CauseLeaderNotSequencing, check.CauseUnreachable, false},
		{CauseLeaderNotSequencing, check.CauseWrongChain, false},
		{CauseLeaderNotSequencing, CauseLeaderNotSequencing, false},
		{CauseTwoSequencers, check.CauseStale, false},
		{CausePaused, check.CauseStale, false},
		{CauseStopped, check.CauseStale, false},
	} {
		if got := slices.Contains(Role.Explains[tc.c], tc.other); got != tc.want {
			t.Errorf("%q explains %q: %v, want %v", tc.c, tc.other, got, tc.want)
		}
	}
}
