package watch

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// TestRate_EndpointThatStopsAnswering_ShowsNoRate: once the latest check got no head from an
// endpoint, or its request failed, the endpoint shows no rate ("-"), not the one it had.
func TestRate_EndpointThatStopsAnswering_ShowsNoRate(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	for i := int64(0); i <= 10; i++ {
		w.Observe(heads(check.Healthy, 100+i, 100+i))
		clock.advance(time.Second)
	}
	if bps, ok := w.Rate("l2"); !ok || bps != 1 {
		t.Fatalf("l2 %v blocks/s (ok %v) while it climbs, want 1", bps, ok)
	}

	// The L2 goes down: no head in the latest check.
	w.Observe(heads(check.Unavailable, -1, 111))
	if bps, ok := w.Rate("l2"); ok {
		t.Errorf("l2 down: rate %v shown, want none", bps)
	}
	if _, ok := w.Rate("builder"); !ok {
		t.Error("the builder still answers: want its rate")
	}
	var out bytes.Buffer
	if err := w.Screen(&out, time.Second, false); err != nil {
		t.Fatal(err)
	}
	// endpoint, status, head, hash, age, blocks/s, latency, url
	if f := strings.Fields(screenRow(out.String(), "l2")); len(f) != 8 || f[5] != "-" {
		t.Errorf("l2 row while down %q, want blocks/s \"-\"", f)
	}

	// The builder's request fails mid-window: it has a head from earlier in that check, and an error.
	clock.advance(time.Second)
	r := heads(check.Unavailable, -1, 112)
	b := r.Endpoint("builder")
	b.Err, b.OK = errors.New("connection reset by peer"), false
	w.Observe(r)
	if bps, ok := w.Rate("builder"); ok {
		t.Errorf("builder request failed: rate %v shown, want none", bps)
	}

	// Both answer again: the rate is back.
	clock.advance(time.Second)
	w.Observe(heads(check.Healthy, 114, 114))
	if _, ok := w.Rate("l2"); !ok {
		t.Error("l2 answers again: want a rate")
	}
	if _, ok := w.Rate("builder"); !ok {
		t.Error("builder answers again: want a rate")
	}
}

func TestRate_NoneBeforeTheFirstCheck_AndWithoutBuilder(t *testing.T) {
	w := New(newFakeClock().Now)
	if _, ok := w.Rate("l2"); ok {
		t.Error("a rate before any check")
	}
	w.Observe(result(check.Healthy, "ok", endpoint(l2Role, 1, true), nil))
	if _, ok := w.Rate("builder"); ok {
		t.Error("a builder rate without a builder")
	}
}

// screenRow is the endpoint table's row of the named endpoint.
func screenRow(screen, name string) string {
	for _, line := range strings.Split(screen, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == name {
			return line
		}
	}
	return ""
}
