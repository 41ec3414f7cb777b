package check

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func TestAdvanceMark(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	now := t0.Add(40 * time.Second)
	prev := &Mark{Number: 100, Hash: common.HexToHash("0x64"), Since: t0}
	for _, tc := range []struct {
		name      string
		prev      *Mark
		head      Head
		minBlocks uint64
		wantSince time.Time
		wantStuck time.Duration
	}{
		{"first run starts a mark", nil, Head{Number: 100}, 1, now, 0},
		{"same head: stuck since the mark", prev, Head{Number: 100, Hash: prev.Hash}, 1, t0, 40 * time.Second},
		{"advanced: a new mark", prev, Head{Number: 101}, 1, now, 0},
		{"advanced too little", prev, Head{Number: 101}, 2, t0, 40 * time.Second},
		{"went back: new baseline, not stuck yet", prev, Head{Number: 90}, 1, now, 0},
		{"same height, other hash: reorg", prev, Head{Number: 100, Hash: common.HexToHash("0x99")}, 1, now, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, stuck := advanceMark(tc.prev, tc.head, now, tc.minBlocks)
			if !next.Since.Equal(tc.wantSince) || stuck != tc.wantStuck {
				t.Errorf("since %s stuck %s, want %s %s", next.Since, stuck, tc.wantSince, tc.wantStuck)
			}
		})
	}
}

func TestHeadStuckAcrossRuns_IsUnavailable_WithoutWaiting(t *testing.T) {
	clock := newClock()
	src := script(at(100, time.Second))
	prev := &Mark{Number: 100, Hash: hash(100, 0), Since: clock.Now().Add(-30 * time.Second)}
	cfg := Config{MaxAge: 0, MaxStall: 15 * time.Second, MinBlocks: 1}
	r := run(t.Context(), clock, Ready, cfg, Target{Role: l2Role, Source: src, Previous: prev}, nil)
	if r.State != Unavailable || r.Endpoint("l2").Cause != CauseStuckAcrossRuns {
		t.Errorf("state %s reason %q", r.State, r.Reason)
	}
	if r.Endpoint("l2").Mark == nil || !r.Endpoint("l2").Mark.Since.Equal(prev.Since) {
		t.Errorf("the mark must stay where progress was last seen: %+v", r.Endpoint("l2").Mark)
	}
	if clock.Elapsed() != 0 || r.Endpoint("l2").Samples != 1 {
		t.Errorf("judged across runs but waited: %s, %d samples", clock.Elapsed(), r.Endpoint("l2").Samples)
	}
	prev.Since = clock.Now().Add(-10 * time.Second)
	if r := run(t.Context(), clock, Ready, cfg, Target{Role: l2Role, Source: src, Previous: prev}, nil); r.State != Healthy {
		t.Errorf("stuck 10s of 15s allowed: %s %q", r.State, r.Reason)
	}
	// An unreachable endpoint keeps its old mark, so the stall keeps counting.
	down := script(fails("connection refused"))
	if r := run(t.Context(), clock, Ready, cfg, Target{Role: l2Role, Source: down, Previous: prev}, nil); r.Endpoint("l2").Mark != prev {
		t.Errorf("mark after a failed request: %+v", r.Endpoint("l2").Mark)
	}
}
