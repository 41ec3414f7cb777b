package watch

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// partialScene is a watch that went from healthy to partial 72 s ago, with the builder 37 blocks behind.
func partialScene() *Watcher {
	clock := newFakeClock()
	w := New(clock.Now)
	w.Observe(heads(check.Healthy, 1200, 1200))
	for i := int64(1); i <= 37; i++ {
		clock.advance(2 * time.Second)
		w.Observe(heads(check.Partial, 1200+i, 1200))
	}
	return w
}

func TestScreen_StartsWithClearAndShowsEveryPiece(t *testing.T) {
	w := partialScene()
	var out bytes.Buffer
	if err := w.Screen(&out, 2*time.Second, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	t.Logf("\n%s", s)
	if !strings.HasPrefix(s, "\033[H\033[J") {
		t.Fatalf("screen does not start with cursor home + clear: %q", s[:min(len(s), 10)])
	}
	for _, want := range []string{
		"every 2s",
		"PARTIAL for 1m12s: partial because", // verdict, how long it held, reason
		"l2        ok      #1237  0x834f…b938  1s   0.50",
		"builder   FAIL    #1200  0x834f…b938  1s   0.00",
		"latency", "1.2ms", "http://127.0.0.1:8551",
		"builder lag: 37 blocks behind the L2",
		"2026-11-25T12:00:00Z  start → HEALTHY  healthy because",
		"2026-11-25T12:00:02Z  HEALTHY → PARTIAL  partial because",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
	if strings.Count(s, "\033[") != 2 {
		t.Errorf("uncoloured screen has escape sequences besides the clear: %q", s)
	}
	out.Reset()
	w.Screen(&out, 2*time.Second, true)
	if !strings.Contains(out.String(), "\033[1;33mPARTIAL\033[") {
		t.Errorf("coloured screen does not paint PARTIAL yellow: %q", out.String())
	}
}

func TestScreen_WithoutHeadsOrBuilder(t *testing.T) {
	w := New(newFakeClock().Now)
	w.Observe(result(check.Unavailable, "l2 connection refused", endpoint(l2Role, -1, false), nil))
	var out bytes.Buffer
	w.Screen(&out, time.Second, false)
	s := out.String()
	if !strings.Contains(s, "UNAVAILABLE for 0s: l2 connection refused") || !strings.Contains(s, "l2        FAIL    -     -     -    -") {
		t.Errorf("screen:\n%s", s)
	}
	if strings.Contains(s, "builder") {
		t.Errorf("a builder on a screen without one:\n%s", s)
	}
	w.Observe(heads(check.Partial, 5, 6))
	out.Reset()
	w.Screen(&out, time.Second, false)
	if !strings.Contains(out.String(), "builder lag: 1 block ahead of the L2") {
		t.Errorf("screen:\n%s", out.String())
	}
}

func TestLine_OnePerTickWithoutEscapes(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	var out bytes.Buffer
	w.Observe(heads(check.Healthy, 123, 123))
	w.Line(&out)
	clock.advance(2 * time.Second)
	w.Observe(heads(check.Partial, 130, 123))
	w.Line(&out)
	clock.advance(2 * time.Second)
	r := result(check.Unavailable, "l2 connection\nrefused", endpoint(l2Role, -1, false), endpoint(builderRole, 124, true))
	w.Observe(r)
	w.Line(&out)
	clock.advance(2 * time.Second)
	w.Observe(result(check.Healthy, "l2 head #7 is 1s old", endpoint(l2Role, 7, true), nil))
	w.Line(&out)
	want := "2026-11-25T12:00:00Z HEALTHY l2=#123 builder=#123 lag=0 healthy because\n" +
		"2026-11-25T12:00:02Z PARTIAL l2=#130 builder=#123 lag=7 partial because\n" +
		"2026-11-25T12:00:04Z UNAVAILABLE l2=- builder=#124 lag=- l2 connection refused\n" +
		"2026-11-25T12:00:06Z HEALTHY l2=#7 l2 head #7 is 1s old\n"
	if out.String() != want {
		t.Errorf("lines:\n%s\nwant:\n%s", out.String(), want)
	}
	if strings.Contains(out.String(), "\033") {
		t.Error("escape sequences in log lines")
	}
}

func TestRender_NothingBeforeTheFirstCheck(t *testing.T) {
	w := New(newFakeClock().Now)
	var out bytes.Buffer
	w.Line(&out)
	w.Screen(&out, time.Second, true)
	if out.Len() != 0 {
		t.Errorf("wrote %q before any result", out.String())
	}
}
