package serve

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
)

// conductorServer is newTestServer feeding op-conductor the findings of scope.
func conductorServer(scope string) (*Server, *fakeClock) {
	clock := newFakeClock()
	return New(clock, Options{Every: 2 * time.Second, Timeout: time.Second, Build: BuildInfo{Version: "v1.2.3", Revision: "abc", GoVersion: "go1.26"},
		Conductor: ConductorFeed{Scope: scope, Keep: ConductorFeedOf(scope)}}), clock
}

// conductorGet is one GET of /conductor/healthz, read as op-conductor v1.19.6 reads it, and as JSON.
func conductorGet(t *testing.T, h http.Handler, target string) (code int, status string, doc conductorDoc, readErr error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	status, readErr = testkit.OpConductorReads(rec.Code, strings.NewReader(body))
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Errorf("GET %s: %d %q is no JSON: %v", target, rec.Code, body, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("GET %s: Cache-Control %q", target, rec.Header().Get("Cache-Control"))
	}
	return rec.Code, status, doc, readErr
}

// The health verdict, as op-conductor reads it: 200 with Healthy, PartialContent or
// ServiceUnavailable, by scope; the L2's failure is fed only with scope all.
func TestConductor_AnswersTheHealthVerdictInOpConductorsContract(t *testing.T) {
	fresh, stale, down := &fakeSource{number: 10, age: time.Second}, &fakeSource{number: 9, age: time.Minute}, &fakeSource{err: errors.New("connection refused")}
	for _, c := range []struct {
		name        string
		scope       string
		l2, builder *fakeSource
		healthz     int
		want        string // as op-conductor reads it
		status      string // headprobe's state in the scope
		reason      string
	}{
		{"healthy", FeedBuilder, fresh, fresh, 200, testkit.ConductorHealthy, "healthy", "l2 head #10 is 1s old, builder head #10 is 1s old"},
		{"builder stale", FeedBuilder, fresh, stale, 206, testkit.ConductorPartial, "partial", "builder head #9 is 1m0s old (max 10s)"},
		{"builder down", FeedBuilder, fresh, down, 206, testkit.ConductorPartial, "partial", "builder connection refused"},
		{"builder stale, all", FeedAll, fresh, stale, 206, testkit.ConductorPartial, "partial", "builder head #9"},
		{"L2 stale, all", FeedAll, stale, fresh, 503, testkit.ConductorUnhealthy, "unavailable", "l2 head #9 is 1m0s old"},
		{"L2 down, all", FeedAll, down, fresh, 503, testkit.ConductorUnhealthy, "unavailable", "l2 connection refused"},
		{"L2 stale, builder", FeedBuilder, stale, fresh, 503, testkit.ConductorHealthy, "healthy", "not fed to op-conductor (scope builder): l2 head #9"},
		{"L2 and builder stale, builder", FeedBuilder, stale, stale, 503, testkit.ConductorPartial, "partial", "builder head #9"},
	} {
		s, clock := conductorServer(c.scope)
		l2, builder := *c.l2, *c.builder
		l2.clock, builder.clock = clock, clock
		s.Record(run(clock, &l2, &builder))
		h := s.Handler()
		for i := 0; i < 2; i++ { // rendered once, then copied: the same answer
			code, status, doc, err := conductorGet(t, h, ConductorPath)
			if code != 200 || err != nil || status != c.want {
				t.Errorf("%s: %d, op-conductor reads %q (%v), want 200 and %q", c.name, code, status, err, c.want)
			}
			if doc.Version != "v1.2.3" || doc.Status != c.status || doc.Scope != c.scope || !strings.Contains(doc.Reason, c.reason) {
				t.Errorf("%s: %+v, want version v1.2.3, status %s, scope %s, reason with %q", c.name, doc, c.status, c.scope, c.reason)
			}
		}
		if code, _, _ := get(t, h, "GET", "/healthz"); code != c.healthz {
			t.Errorf("%s: /healthz %d, want %d: its answer is not the feed's", c.name, code, c.healthz)
		}
	}
}

// No verdict yet, no fresh one, or one that is no verdict (Unknown): 503, which op-conductor
// counts as its health source down, never a 200 it would trust.
func TestConductor_NoFreshVerdictOrUnknown_IsNot200(t *testing.T) {
	s, clock := conductorServer(FeedBuilder)
	h := s.Handler()
	expect := func(when, reason string) {
		t.Helper()
		code, status, doc, err := conductorGet(t, h, ConductorPath)
		if code != http.StatusServiceUnavailable || err == nil || doc.RollupBoostHealth != "" || doc.Status != "unknown" || !strings.Contains(doc.Reason, reason) {
			t.Errorf("%s: %d %+v, op-conductor reads %q (%v); want 503 without rollup_boost_health, reason %q", when, code, doc, status, err, reason)
		}
	}
	expect("before the first check", "no verdict yet")
	fresh := &fakeSource{clock: clock, number: 10, age: time.Second}
	s.Record(run(clock, fresh, fresh))
	if _, status, _, err := conductorGet(t, h, ConductorPath); status != testkit.ConductorHealthy || err != nil {
		t.Fatalf("fresh: %q %v", status, err)
	}
	clock.advance(5 * time.Second) // at the limit: still fresh
	if _, status, _, _ := conductorGet(t, h, ConductorPath); status != testkit.ConductorHealthy {
		t.Errorf("5 s old: %q, want still healthy", status)
	}
	clock.advance(time.Millisecond)
	expect("5.001 s old", "no fresh verdict")
	s.Record(check.Result{Mode: check.Health, State: check.Unknown, Start: clock.Now(), Reason: "internal error: boom"})
	expect("an internal error", "internal error: boom")
}

// Only GET and HEAD, as every endpoint: op-conductor sends GET.
func TestConductor_OtherMethodsRefused(t *testing.T) {
	s, clock := conductorServer(FeedBuilder)
	fresh := &fakeSource{clock: clock, number: 10, age: time.Second}
	s.Record(run(clock, fresh, fresh))
	if code, _, _ := get(t, s.Handler(), "POST", ConductorPath); code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", code)
	}
	if code, _, _ := get(t, s.Handler(), "HEAD", ConductorPath); code != 200 {
		t.Errorf("HEAD: %d, want 200", code)
	}
}

// A fleet answers /conductor/healthz?target=NAME with a fresh check of the target; a missing or
// unknown target is not 200, so that a misspelt URL counts as the source down.
func TestFleetConductor_FreshCheckPerTarget(t *testing.T) {
	clock := newFakeClock()
	builderStale := func(context.Context, check.Mode) check.Result {
		return run(clock, &fakeSource{clock: clock, number: 10, age: time.Second}, &fakeSource{clock: clock, number: 9, age: time.Minute})
	}
	targets := Targets{"seq-a": {Probe: builderStale, Bound: time.Second}, "seq-b": {Probe: verdictProbe(check.Unknown), Bound: time.Second}}
	_, base := fleetServer(t, targets, FleetOptions{Build: BuildInfo{Version: "v9"}, Conductor: ConductorFeed{Scope: FeedAll, Keep: ConductorFeedOf(FeedAll)}})
	for _, c := range []struct {
		query string
		code  int
		want  string
	}{
		{"?target=seq-a", 200, testkit.ConductorPartial},
		{"?target=seq-b", 503, ""},
		{"?target=seq-c", 404, ""},
		{"", 400, ""},
	} {
		resp, err := http.Get(base + ConductorPath + c.query)
		if err != nil {
			t.Fatal(err)
		}
		status, readErr := testkit.OpConductorReads(resp.StatusCode, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || status != c.want || (c.want == "") != (readErr != nil) {
			t.Errorf("%s: %d, op-conductor reads %q (%v); want %d %q", c.query, resp.StatusCode, status, readErr, c.code, c.want)
		}
	}
}
