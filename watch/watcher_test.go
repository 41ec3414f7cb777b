package watch

import (
	"fmt"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

func TestLag_IsBuilderBlocksBehindTheL2(t *testing.T) {
	for _, tc := range []struct {
		l2, builder int64
		lag         int64
		ok          bool
	}{
		{123, 123, 0, true},
		{130, 123, 7, true},
		{123, 124, -1, true}, // builder one block ahead, building the next
		{-1, 123, 0, false},
		{123, -1, 0, false},
	} {
		w := New(newFakeClock().Now)
		w.Observe(heads(check.Healthy, tc.l2, tc.builder))
		if lag, ok := w.Lag(); lag != tc.lag || ok != tc.ok {
			t.Errorf("l2 %d builder %d: lag %d (ok %v), want %d (%v)", tc.l2, tc.builder, lag, ok, tc.lag, tc.ok)
		}
	}
	w := New(newFakeClock().Now)
	w.Observe(result(check.Healthy, "l2 only", endpoint(check.L2Name, 5, true), nil))
	if _, ok := w.Lag(); ok {
		t.Error("a lag without a builder")
	}
}

func TestHeld_IsTimeSinceTheStateBegan(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	w.Observe(heads(check.Healthy, 1, 1))
	if w.Held() != 0 {
		t.Errorf("held %s on the first check, want 0", w.Held())
	}
	clock.advance(2 * time.Second)
	w.Observe(heads(check.Partial, 2, 1))
	for range 36 {
		clock.advance(2 * time.Second)
		w.Observe(heads(check.Partial, 2, 1)) // same state, different reasons do not reset it
	}
	if w.Held() != 72*time.Second {
		t.Errorf("held %s, want 1m12s", w.Held())
	}
	clock.advance(2 * time.Second)
	w.Observe(heads(check.Healthy, 3, 3))
	if w.Held() != 0 {
		t.Errorf("held %s right after a change, want 0", w.Held())
	}
}

func TestChanges_AreInOrderAndCapped(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	states := []check.State{check.Healthy, check.Healthy, check.Partial, check.Partial, check.Unavailable,
		check.Healthy, check.Unknown, check.Partial, check.Partial, check.Healthy}
	for i, s := range states {
		w.Observe(result(s, fmt.Sprintf("reason %d", i), endpoint(check.L2Name, int64(i), true), nil))
		clock.advance(time.Second)
	}
	// Changes at checks 0 (first), 2, 4, 5, 6, 7, 9: the last five are 4..9.
	got := w.Changes()
	want := []struct {
		at       int
		from, to check.State
	}{{4, check.Partial, check.Unavailable}, {5, check.Unavailable, check.Healthy}, {6, check.Healthy, check.Unknown},
		{7, check.Unknown, check.Partial}, {9, check.Partial, check.Healthy}}
	if len(got) != MaxChanges {
		t.Fatalf("%d changes, want %d: %+v", len(got), MaxChanges, got)
	}
	for i, c := range got {
		w := want[i]
		if c.At != t0.Add(time.Duration(w.at)*time.Second) || c.From != w.from || c.To != w.to || c.First || c.Reason != fmt.Sprintf("reason %d", w.at) {
			t.Errorf("change %d: %+v, want at check %d %s→%s", i, c, w.at, w.from, w.to)
		}
	}
	fresh := New(clock.Now)
	fresh.Observe(heads(check.Partial, 1, 1))
	if c := fresh.Changes(); len(c) != 1 || !c[0].First || c[0].To != check.Partial {
		t.Errorf("first observation: %+v, want one First change to partial", c)
	}
}
