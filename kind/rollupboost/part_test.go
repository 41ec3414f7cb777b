package rollupboost

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/rpc"
)

var judged = check.Config{MaxAge: 10 * time.Second}

// endpoints are a fresh L2 and a builder, fresh or 37 s old.
func endpoints(builderFresh bool) []check.Endpoint {
	age := 37 * time.Second
	if builderFresh {
		age = time.Second
	}
	return []check.Endpoint{
		{Role: execution.L2, Observation: check.Observation{Last: &check.Head{Number: 10}, Age: time.Second, Samples: 1}},
		{Role: execution.Builder, Observation: check.Observation{Last: &check.Head{Number: 9}, Age: age, Samples: 1}},
	}
}

// fixtureServer serves a /healthz fixture, checking the path asked.
func fixtureServer(t *testing.T, name string) string {
	f := testkit.LoadFixture(t, "testdata/"+name)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != HealthzPath || r.Method != http.MethodGet {
			t.Errorf("%s %s, want GET %s", r.Method, r.URL.Path, HealthzPath)
		}
		w.WriteHeader(f.Status)
		w.Write([]byte(f.Body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// modeServer serves a debug_getExecutionMode fixture.
func modeServer(t *testing.T, name string) string {
	f := testkit.LoadFixture(t, "testdata/"+name)
	return testkit.NewFakeRPC(map[string]string{ModeMethod: `"result":` + string(f.Result)}).Start(t)
}

// part is a Part for the given URLs ("" leaves one out), with a 300 ms timeout.
func part(healthz, debug string) *Part {
	opts := rpc.Options{Timeout: 300 * time.Millisecond}
	p := &Part{L2: execution.L2, Builder: execution.Builder}
	if healthz != "" {
		u := HealthzURL(healthz)
		p.Healthz, p.URL = rpc.NewGetter(u, opts), rpc.Redact(u)
	}
	if debug != "" {
		p.Debug, p.DebugURL = rpc.New(debug, opts), rpc.Redact(debug)
	}
	return p
}

// run observes p and judges it in mode beside the endpoints.
func run(t *testing.T, p *Part, mode check.Mode, seen []check.Endpoint) (check.Result, check.Finding) {
	t.Helper()
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if mode != check.Health {
		seen = seen[:1]
	}
	s := p.Observe(ctx, check.SystemClock{}, judged, check.NewHeads())
	r := check.Judge(mode, judged, seen, nil, s)
	if len(r.Parts) != 1 {
		t.Fatalf("%d findings, want 1", len(r.Parts))
	}
	return r, r.Parts[0]
}

func TestHealthzURL_AppendsOnlyWithoutAPath(t *testing.T) {
	for in, want := range map[string]string{
		"http://rb:8081":          "http://rb:8081/healthz",
		"http://rb:8081/":         "http://rb:8081/healthz",
		"https://rb/custom/probe": "https://rb/custom/probe",
		"http://rb:8081/healthz":  "http://rb:8081/healthz",
		"http://rb:8081?k=v":      "http://rb:8081/healthz?k=v",
	} {
		if got := HealthzURL(in); got != want {
			t.Errorf("HealthzURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHealthz_FixturesAgainstHeadprobesVerdict(t *testing.T) {
	for _, tc := range []struct {
		fixture      string
		builderFresh bool
		mode         check.Mode
		want         check.State
		cause        check.Cause
		agrees       bool
	}{
		{"healthz_healthy", true, check.Health, check.Healthy, "", true},
		{"healthz_partial", false, check.Health, check.Partial, CausePartial, true},
		{"healthz_unavailable", true, check.Health, check.Unavailable, CauseUnavailable, false},
		// Disagreements: the verdict is the worse of the two.
		{"healthz_healthy", false, check.Health, check.Partial, "", false},
		{"healthz_partial", true, check.Health, check.Partial, CausePartial, false},
		// ready judges rollup-boost's unavailability only: a 206 is about the builder.
		{"healthz_partial", true, check.Ready, check.Healthy, "", true},
		{"healthz_unavailable", true, check.Ready, check.Unavailable, CauseUnavailable, false},
	} {
		t.Run(tc.fixture+"/"+tc.mode.String(), func(t *testing.T) {
			r, f := run(t, part(fixtureServer(t, tc.fixture), ""), tc.mode, endpoints(tc.builderFresh))
			if r.State != tc.want || f.Cause != tc.cause {
				t.Errorf("state %s cause %q, want %s %q (%s)", r.State, f.Cause, tc.want, tc.cause, r.Reason)
			}
			d := f.Detail.(*Detail)
			if d.Agrees == nil || *d.Agrees != tc.agrees {
				t.Errorf("agrees %v, want %v", d.Agrees, tc.agrees)
			}
			if !tc.agrees && !strings.Contains(f.Note, "health_check_interval (60 s by default)") {
				t.Errorf("a disagreement without its note: %q", f.Note)
			}
			if tc.agrees && f.Note != "" && tc.mode == check.Health {
				t.Errorf("a note without a disagreement: %q", f.Note)
			}
		})
	}
}

func TestHealthz_PartialReasonIsTheIssues(t *testing.T) {
	r, _ := run(t, part(fixtureServer(t, "healthz_partial"), ""), check.Health, endpoints(false))
	want := "rollup-boost reports 206 Partial Content: its builder is not building"
	if !strings.Contains(r.Reason, want) {
		t.Errorf("reason %q lacks %q", r.Reason, want)
	}
}

func TestHealthz_KeepsTheUsersPath(t *testing.T) {
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { path = r.URL.Path }))
	defer srv.Close()
	run(t, part(srv.URL+"/probe/health", ""), check.Health, endpoints(true))
	if path != "/probe/health" {
		t.Errorf("asked %q, want the user's /probe/health", path)
	}
}

// TestHealthz_Faults: every fault of the fault matrix that a plain HTTP endpoint can show is
// Unavailable, cause unreachable, with the failure's class in the reason's words.
func TestHealthz_Faults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		url   func(testing.TB) string
		class rpc.Class
		words string
	}{
		{"refused", testkit.RefusedURL, rpc.ClassRefused, "connection refused"},
		{"hang", testkit.HangServer, rpc.ClassTimeout, "timeout"},
		{"401", func(t testing.TB) string { return testkit.StatusServer(t, 401, "no") }, rpc.ClassUnauthorized, "HTTP 401"},
		{"500", func(t testing.TB) string { return testkit.StatusServer(t, 500, "boom") }, rpc.ClassHTTP, "HTTP 500"},
		{"404 (no /healthz)", func(t testing.TB) string { return testkit.StatusServer(t, 404, "") }, rpc.ClassHTTP, "HTTP 404"},
		{"garbage", testkit.GarbageServer, rpc.ClassConnection, ""},
		{"redirect", func(t testing.TB) string { return testkit.StatusServer(t, 302, "") }, rpc.ClassRedirect, "redirect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r, f := run(t, part(tc.url(t), ""), check.Health, endpoints(true))
			if r.State != check.Unavailable || f.Cause != check.CauseUnreachable {
				t.Errorf("state %s cause %q, want unavailable unreachable (%s)", r.State, f.Cause, r.Reason)
			}
			var fail *rpc.Failure
			if d := f.Detail.(*Detail); !errors.As(d.Err, &fail) || fail.Class != tc.class {
				t.Errorf("error %v, want class %s", d.Err, tc.class)
			}
			if !strings.HasPrefix(r.Reason, "rollup-boost /healthz: ") || !strings.Contains(r.Reason, tc.words) || strings.ContainsAny(r.Reason, "\x00\x1b\n") {
				t.Errorf("reason %q", r.Reason)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %s with a 300ms timeout", d)
			}
		})
	}
}

func TestHealthz_BodyIsNotEchoedUnbounded(t *testing.T) {
	url := testkit.StatusServer(t, 500, strings.Repeat("\x1b[31mx", 1<<20))
	r, _ := run(t, part(url, ""), check.Health, endpoints(true))
	if len(r.Reason) > 400 || strings.Contains(r.Reason, "\x1b") {
		t.Errorf("reason of %d bytes: %q", len(r.Reason), r.Reason[:min(len(r.Reason), 200)])
	}
}

func TestExecutionMode_DisabledWaivesTheBuilder(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		waived  bool
		want    check.State
	}{
		{"mode_disabled", true, check.Healthy},
		{"mode_bare_string", true, check.Healthy}, // "disabled", bare
		{"mode_dry_run", false, check.Partial},
		{"mode_enabled", false, check.Partial},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			r, f := run(t, part(fixtureServer(t, "healthz_healthy"), modeServer(t, tc.fixture)), check.Health, endpoints(false))
			b := r.Endpoint("builder")
			if (b.Waived != "") != tc.waived || r.State != tc.want {
				t.Errorf("waived %q, state %s; want waived %v, %s (%s)", b.Waived, r.State, tc.waived, tc.want, r.Reason)
			}
			if b.OK {
				t.Error("the builder's checks must still be made: it is stale")
			}
			if tc.waived && (!strings.Contains(r.Reason, "rollup-boost #292") || f.Detail.(*Detail).Agrees == nil) {
				t.Errorf("reason %q does not say why the builder is not counted", r.Reason)
			}
		})
	}
}

func TestExecutionMode_Decodes(t *testing.T) {
	for raw, want := range map[string]Mode{
		`{"execution_mode":"enabled"}`: Enabled, `{"execution_mode":"dry_run"}`: DryRun, `"disabled"`: Disabled,
	} {
		if got, err := DecodeMode([]byte(raw)); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{`null`, `{}`, `{"execution_mode":1}`, `1`, `true`, `"fast"`, `{"execution_mode":"Enabled"}`, `[]`} {
		_, err := DecodeMode([]byte(raw))
		var f *rpc.Failure
		if !errors.As(err, &f) || f.Class != rpc.ClassMalformed {
			t.Errorf("%s: error %v, want malformed", raw, err)
		}
	}
}

// TestExecutionMode_Faults: with the mode unknown the builder counts, and health is Partial
// (cause unreachable) with the reason in the first line; ready, which ignores the builder, notes it.
func TestExecutionMode_Faults(t *testing.T) {
	reply := func(members string) func(testing.TB) string {
		return func(t testing.TB) string {
			return testkit.NewFakeRPC(map[string]string{ModeMethod: members}).Start(t)
		}
	}
	for _, tc := range []struct {
		name  string
		url   func(testing.TB) string
		class rpc.Class
	}{
		{"refused", testkit.RefusedURL, rpc.ClassRefused},
		{"hang", testkit.HangServer, rpc.ClassTimeout},
		{"401", func(t testing.TB) string { return testkit.StatusServer(t, 401, "") }, rpc.ClassUnauthorized},
		{"500", func(t testing.TB) string { return testkit.StatusServer(t, 500, "") }, rpc.ClassHTTP},
		{"garbage", testkit.GarbageServer, rpc.ClassConnection},
		{"garbage JSON", func(t testing.TB) string { return testkit.StatusServer(t, 200, "{not json") }, rpc.ClassMalformed},
		{"null result", reply(`"result":null`), rpc.ClassMalformed},
		{"-32601", reply(`"error":{"code":-32601,"message":"Method not found"}`), rpc.ClassRPCError},
		{"wrong type", reply(`"result":{"execution_mode":1}`), rpc.ClassMalformed},
		{"unknown mode", reply(`"result":"turbo"`), rpc.ClassMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, f := run(t, part("", tc.url(t)), check.Health, endpoints(true))
			if r.State != check.Partial || f.Cause != check.CauseUnreachable || !strings.HasPrefix(r.Reason, "rollup-boost debug API: ") {
				t.Errorf("state %s cause %q reason %q", r.State, f.Cause, r.Reason)
			}
			var fail *rpc.Failure
			if d := f.Detail.(*Detail); !errors.As(d.ModeErr, &fail) || fail.Class != tc.class {
				t.Errorf("error %v, want class %s", d.ModeErr, tc.class)
			}
			r, f = run(t, part("", tc.url(t)), check.Ready, endpoints(true))
			if r.State != check.Healthy || !strings.Contains(f.Note, "execution mode is unknown") {
				t.Errorf("ready: state %s, note %q", r.State, f.Note)
			}
		})
	}
}

func TestDetail_SeriesAndDoc(t *testing.T) {
	_, f := run(t, part(fixtureServer(t, "healthz_partial"), modeServer(t, "mode_dry_run")), check.Health, endpoints(false))
	got := map[string]float64{}
	for _, s := range f.Detail.Series() {
		got[s.Name+s.Labels["mode"]] = s.Value
	}
	want := map[string]float64{
		"headprobe_rollup_boost_healthz_status_code": 206, "headprobe_rollup_boost_agrees": 1,
		"headprobe_rollup_boost_execution_modedry_run": 1, "headprobe_rollup_boost_execution_modeenabled": 0,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (%v)", k, got[k], v, got)
		}
	}
	doc := f.Detail.Doc().(Doc)
	if doc.HealthzStatus == nil || *doc.HealthzStatus != 206 || doc.ExecutionMode != "dry_run" || doc.Agrees == nil || !*doc.Agrees {
		t.Errorf("doc %+v", doc)
	}
}

// TestHealthz_SecretsAreNeverEchoed: a server that echoes the request's header and URL in its
// error page shows neither the header's value nor the URL's credentials.
func TestHealthz_SecretsAreNeverEchoed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte("X-Api-Key: " + r.Header.Get("X-Api-Key") + " " + r.URL.String() + " " + r.Header.Get("Authorization")))
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://admin:hunter2pass@", 1) + "/healthz?key=querysecret"
	g := rpc.NewGetter(u, rpc.Options{Timeout: time.Second, Headers: http.Header{"X-Api-Key": {"topsecret1234"}}})
	p := &Part{Healthz: g, URL: rpc.Redact(u), L2: execution.L2, Builder: execution.Builder}
	r, _ := run(t, p, check.Health, endpoints(true))
	for _, secret := range []string{"topsecret1234", "hunter2pass", "querysecret"} {
		if strings.Contains(r.Reason, secret) || strings.Contains(p.URL, secret) {
			t.Errorf("%q shown: %q (url %q)", secret, r.Reason, p.URL)
		}
	}
	if !strings.Contains(r.Reason, "REDACTED") {
		t.Errorf("reason %q: nothing redacted", r.Reason)
	}
}
