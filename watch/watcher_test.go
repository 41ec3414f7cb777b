package watch

import (
	"bytes"
	"fmt"
	"strings"
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
		lags := w.Lags()
		if len(lags) != 1 || lags[0].Of.Name != "builder" || lags[0].Against.Name != "l2" {
			t.Fatalf("l2 %d builder %d: lags %+v, want the builder's against the L2", tc.l2, tc.builder, lags)
		}
		if lag, ok := lags[0].Blocks, lags[0].Known; lag != tc.lag || ok != tc.ok {
			t.Errorf("l2 %d builder %d: lag %d (ok %v), want %d (%v)", tc.l2, tc.builder, lag, ok, tc.lag, tc.ok)
		}
	}
	w := New(newFakeClock().Now)
	w.Observe(result(check.Healthy, "l2 only", endpoint(l2Role, 5, true), nil))
	if lags := w.Lags(); len(lags) != 0 {
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
		w.Observe(result(s, fmt.Sprintf("reason %d", i), endpoint(l2Role, int64(i), true), nil))
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

// TestWatch_AThirdEndpoint_HasItsOwnHistoryAndLag: the history is kept per endpoint name and the
// lags per relation, so an endpoint of another role is watched like the two of today.
func TestWatch_AThirdEndpoint_HasItsOwnHistoryAndLag(t *testing.T) {
	opNode := check.Role{Name: "op-node", Title: "op-node", Failure: check.Unavailable, Modes: []check.Mode{check.Health}}
	clock := newFakeClock()
	w := New(clock.Now)
	for i := int64(0); i <= 10; i++ {
		r := heads(check.Healthy, 100+2*i, 100+2*i)
		r.Endpoints = append(r.Endpoints, *endpoint(opNode, 100+i, true))
		r.Relations = append(r.Relations, check.MaxLag(opNode, l2Role, nil))
		w.Observe(r)
		clock.advance(time.Second)
	}
	if bps, ok := w.Rate("op-node"); !ok || bps != 1 {
		t.Errorf("op-node %v blocks/s (ok %v), want 1", bps, ok)
	}
	if bps, ok := w.Rate("l2"); !ok || bps != 2 {
		t.Errorf("l2 %v blocks/s (ok %v), want 2", bps, ok)
	}
	var out bytes.Buffer
	w.Line(&out)
	if want := " HEALTHY l2=#120 builder=#120 lag=0 op-node=#110 lag=10 healthy because\n"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("line %q, want it to end %q", out.String(), want)
	}
	out.Reset()
	w.Screen(&out, time.Second, false)
	if !strings.Contains(out.String(), "op-node lag: 10 blocks behind the L2") {
		t.Errorf("screen:\n%s", out.String())
	}
}
