package serve

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newTestServer is a Server on a fake clock, checking every 2 s with a 1 s timeout (stale after 5 s).
func newTestServer() (*Server, *fakeClock) {
	clock := newFakeClock()
	return New(clock, Options{Every: 2 * time.Second, Timeout: time.Second, Build: BuildInfo{Version: "v1.2.3", Revision: "abc", GoVersion: "go1.26"}}), clock
}

// get answers one request without a network.
func get(t *testing.T, h http.Handler, method, target string, header ...string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, rec.Result().Header, string(body)
}

// Each endpoint answers its mode's verdict: rollup-boost's 200, 206 and 503 on /healthz, 200 or
// 503 on /readyz and /livez, with the verdict's first line as text.
func TestHandler_EachEndpointAnswersItsModesVerdict(t *testing.T) {
	for _, c := range []struct {
		name                string
		l2, builder         *fakeSource
		healthz, readyz, lz int
		line                string
	}{
		{"healthy", &fakeSource{number: 10, age: time.Second}, &fakeSource{number: 10, age: time.Second}, 200, 200, 200, "HEALTHY: l2 head #10 is 1s old, builder head #10 is 1s old"},
		{"builder stale", &fakeSource{number: 10, age: time.Second}, &fakeSource{number: 9, age: time.Minute}, 206, 200, 200, "PARTIAL: builder head #9 is 1m0s old (max 10s)"},
		{"L2 stale", &fakeSource{number: 10, age: time.Minute}, &fakeSource{number: 10, age: time.Second}, 503, 503, 200, "UNAVAILABLE: l2 head #10 is 1m0s old (max 10s)"},
		{"L2 down", &fakeSource{err: errors.New("connection refused")}, &fakeSource{number: 10, age: time.Second}, 503, 503, 503, "UNAVAILABLE: l2 connection refused"},
	} {
		s, clock := newTestServer()
		c.l2.clock, c.builder.clock = clock, clock
		s.Record(run(clock, c.l2, c.builder))
		h := s.Handler()
		for _, e := range []struct {
			path string
			want int
		}{{"/healthz", c.healthz}, {"/readyz", c.readyz}, {"/livez", c.lz}} {
			code, header, body := get(t, h, "GET", e.path)
			if code != e.want {
				t.Errorf("%s: GET %s = %d, want %d (%q)", c.name, e.path, code, e.want, body)
			}
			if ct := header.Get("Content-Type"); ct != "text/plain; charset=utf-8" || strings.Count(body, "\n") != 1 {
				t.Errorf("%s: GET %s: %s %q, want one line of text/plain", c.name, e.path, ct, body)
			}
			if header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: GET %s: Cache-Control %q", c.name, e.path, header.Get("Cache-Control"))
			}
		}
		if _, _, body := get(t, h, "GET", "/healthz"); body != c.line+"\n" {
			t.Errorf("%s: /healthz body %q, want %q", c.name, body, c.line)
		}
	}
}

// The JSON document, as `headprobe health -o json` prints it, with ?format=json or an Accept
// that prefers it.
func TestHandler_JSONWithFormatOrAccept(t *testing.T) {
	s, clock := newTestServer()
	s.Record(run(clock, &fakeSource{clock: clock, number: 10, age: time.Second}, &fakeSource{clock: clock, number: 9, age: time.Minute}))
	h := s.Handler()
	for _, c := range []struct {
		target string
		header []string
		json   bool
	}{
		{"/healthz?format=json", nil, true},
		{"/healthz", []string{"Accept", "application/json"}, true},
		{"/healthz", []string{"Accept", "application/json, */*;q=0.5"}, true},
		{"/healthz", []string{"Accept", "text/plain, application/json;q=0.9"}, false},
		{"/healthz", []string{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}, false},
		{"/healthz?format=text", []string{"Accept", "application/json"}, false},
		{"/healthz", nil, false},
	} {
		code, header, body := get(t, h, "GET", c.target, c.header...)
		if code != 206 {
			t.Errorf("%s %v: %d, want 206", c.target, c.header, code)
		}
		isJSON := header.Get("Content-Type") == "application/json"
		if isJSON != c.json {
			t.Errorf("%s %v: Content-Type %q, want JSON %v", c.target, c.header, header.Get("Content-Type"), c.json)
			continue
		}
		if !isJSON {
			continue
		}
		var doc struct {
			Status   string `json:"status"`
			ExitCode int    `json:"exit_code"`
			Command  string `json:"command"`
			Builder  *struct {
				OK bool `json:"ok"`
			} `json:"builder"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.Status != "partial" || doc.ExitCode != 1 || doc.Command != "health" || doc.Builder == nil || doc.Builder.OK {
			t.Errorf("%s: document %s (%v), want the partial health verdict", c.target, body, err)
		}
	}
	if code, _, body := get(t, h, "GET", "/readyz?format=json"); code != 200 || !strings.Contains(body, `"command":"ready"`) || strings.Contains(body, `"builder"`) {
		t.Errorf("/readyz?format=json: %d %s, want ready's document of the L2 alone", code, body)
	}
	if code, _, _ := get(t, h, "GET", "/healthz?format=xml"); code != http.StatusBadRequest {
		t.Errorf("?format=xml: %d, want 400", code)
	}
}

// A verdict older than 2 × every + timeout is never answered: 503 and why, in text and JSON, on
// every verdict endpoint; before the first check, 503 too.
func TestHandler_StaleVerdictIs503NoFreshVerdict(t *testing.T) {
	s, clock := newTestServer()
	h := s.Handler()
	for _, path := range []string{"/healthz", "/readyz", "/livez"} {
		if code, _, body := get(t, h, "GET", path); code != 503 || body != "UNKNOWN: no verdict yet: the first check has not finished\n" {
			t.Errorf("before the first check: %s %d %q", path, code, body)
		}
	}
	s.Record(run(clock, &fakeSource{clock: clock, number: 10}, &fakeSource{clock: clock, number: 10}))
	clock.advance(5 * time.Second)
	if code, _, _ := get(t, h, "GET", "/healthz"); code != 200 {
		t.Errorf("5 s after the check (the limit): %d, want 200", code)
	}
	clock.advance(4 * time.Second)
	for _, path := range []string{"/healthz", "/readyz", "/livez"} {
		if code, _, body := get(t, h, "GET", path); code != 503 || body != "UNKNOWN: no fresh verdict: last check finished 9s ago\n" {
			t.Errorf("9 s after the check: %s %d %q", path, code, body)
		}
	}
	code, _, body := get(t, h, "GET", "/healthz?format=json")
	var doc struct {
		Status, Reason string
		ExitCode       int `json:"exit_code"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || code != 503 || doc.Status != "unknown" || doc.ExitCode != 3 || doc.Reason != "no fresh verdict: last check finished 9s ago" {
		t.Errorf("stale JSON: %d %s (%v)", code, body, err)
	}
}

// Only GET and HEAD; a request with a body is refused; an unknown path is 404.
func TestHandler_GetAndHeadOnly(t *testing.T) {
	s, clock := newTestServer()
	s.Record(run(clock, &fakeSource{clock: clock, number: 10}, &fakeSource{clock: clock, number: 10}))
	h := s.Handler()
	for _, path := range []string{"/healthz", "/readyz", "/livez", "/-/healthy", "/metrics", "/nothing"} {
		for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"} {
			code, header, _ := get(t, h, method, path)
			if code != http.StatusMethodNotAllowed || header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d Allow %q, want 405 with Allow: GET, HEAD", method, path, code, header.Get("Allow"))
			}
		}
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Head(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength <= 0 {
		t.Errorf("HEAD /healthz: %d %q Content-Length %d, want 200, no body, a length", resp.StatusCode, body, resp.ContentLength)
	}
	req := httptest.NewRequest("GET", "/healthz", strings.NewReader("x=1"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("GET with a body: %d, want 413", rec.Code)
	}
	if code, _, _ := get(t, h, "GET", "/healthz/"); code != 404 {
		t.Errorf("GET /healthz/: %d, want 404", code)
	}
}
