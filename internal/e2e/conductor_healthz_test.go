package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/testkit"
)

// conductorRead is one GET of serve's /conductor/healthz as op-conductor v1.19.6 makes it (its
// default 5 s --rollup-boost.healthcheck-timeout) and reads it (testkit.OpConductorReads), with the
// answer's own JSON beside.
type conductorRead struct {
	status string // op-conductor's: healthy, partial, unhealthy; "" with err
	err    error  // what op-conductor counts as its health source down
	doc    struct {
		Version           string `json:"version"`
		RollupBoostHealth string `json:"rollup_boost_health"`
		Status, Scope     string
		Reason            string
	}
}

func (s *served) conductor(t *testing.T) conductorRead {
	t.Helper()
	var r conductorRead
	r.status, r.err = testkit.OpConductorHealthcheck(context.Background(), &http.Client{Timeout: 5 * time.Second}, s.base+"/conductor/healthz")
	a := s.get(t, "/conductor/healthz")
	if err := json.Unmarshal([]byte(a.body), &r.doc); err != nil {
		t.Fatalf("/conductor/healthz: %d %q is no JSON: %v", a.code, a.body, err)
	}
	return r
}

// awaitConductor polls /conductor/healthz until op-conductor would read want ("" : an error).
func (s *served) awaitConductor(t *testing.T, want string, within time.Duration) conductorRead {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := s.conductor(t)
		if r.status == want && (want != "") == (r.err == nil) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("/conductor/healthz: op-conductor reads %q (%v) %+v, want %q within %s; %s", r.status, r.err, r.doc, want, within, s.output())
		}
		time.Sleep(50 * time.Millisecond) // polling another process's loop; there is no clock to fake
	}
}

// binaryVersion is the version `headprobe --version` prints: "headprobe VERSION (commit …)".
func binaryVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(binary, "--version").Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) < 2 {
		t.Fatalf("--version: %v %q", err, out)
	}
	return f[1]
}

// TestConductorHealthz_BuilderSideOnTheBinary: against the devnet, the default scope (builder)
// answers what op-conductor reads as healthy, with headprobe's version, then partial once the
// builder is down, while /healthz keeps its own answers (200, then 206).
func TestConductorHealthz_BuilderSideOnTheBinary(t *testing.T) {
	net := sequencer(t)
	defer sealEvery(net.L2, time.Second)()
	s := startServe(t, authArgs(net, "--every", "200ms", "--max-unsafe-interval", "30s")...)
	r := s.awaitConductor(t, testkit.ConductorHealthy, 10*time.Second)
	if v := binaryVersion(t); r.doc.Version != v || r.doc.RollupBoostHealth != "Healthy" || r.doc.Scope != "builder" {
		t.Errorf("healthy: %+v, want version %q, Healthy, scope builder", r.doc, v)
	}
	if a := s.get(t, "/healthz"); a.code != 200 || !strings.HasPrefix(a.body, "HEALTHY: ") {
		t.Errorf("/healthz: %d %q", a.code, a.body)
	}
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	r = s.awaitConductor(t, testkit.ConductorPartial, 10*time.Second)
	if r.doc.RollupBoostHealth != "PartialContent" || r.doc.Status != "partial" || !strings.HasPrefix(r.doc.Reason, "builder ") {
		t.Errorf("builder down: %+v", r.doc)
	}
	if a := s.get(t, "/healthz"); a.code != 206 || !strings.HasPrefix(a.body, "PARTIAL: builder ") {
		t.Errorf("builder down: /healthz %d %q, want its own 206", a.code, a.body)
	}
}

// TestConductorHealthz_NoVerdictYetThenL2ByScope: an L2 that never answers. Before the first check
// ends there is no verdict: not 200, so op-conductor counts its health source as down. Once the
// check is cut at its bound, scope all feeds the L2's failure (ServiceUnavailable), and scope
// builder does not (op-conductor judges op-node's unsafe head itself): healthy, saying what is not fed.
func TestConductorHealthz_NoVerdictYetThenL2ByScope(t *testing.T) {
	t.Parallel() // waits on timeouts: overlaps the others
	silent := fmSilent(t, nil)
	all := startServe(t, "--l2", silent.url, "--every", "200ms", "--timeout", "6s", "--conductor-scope", "all")
	a := all.get(t, "/conductor/healthz")
	if status, err := testkit.OpConductorReads(a.code, strings.NewReader(a.body)); a.code != 503 || err == nil || !strings.Contains(a.body, "no verdict yet") || strings.Contains(a.body, "rollup_boost_health") {
		t.Errorf("before the first verdict: %d %q, op-conductor reads %q (%v); want 503 without rollup_boost_health", a.code, a.body, status, err)
	}
	r := all.awaitConductor(t, testkit.ConductorUnhealthy, 20*time.Second)
	if r.doc.RollupBoostHealth != "ServiceUnavailable" || r.doc.Scope != "all" || !strings.Contains(r.doc.Reason, "l2 ") {
		t.Errorf("scope all, L2 silent: %+v", r.doc)
	}
	builder := startServe(t, "--l2", silent.url, "--every", "200ms", "--timeout", "300ms")
	r = builder.awaitConductor(t, testkit.ConductorHealthy, 15*time.Second)
	if r.doc.Status != "healthy" || r.doc.Scope != "builder" || !strings.HasPrefix(r.doc.Reason, "not fed to op-conductor (scope builder): l2 ") {
		t.Errorf("scope builder, L2 silent: %+v, want healthy, saying the L2's failure is not fed", r.doc)
	}
	if a := builder.get(t, "/healthz"); a.code != 503 {
		t.Errorf("scope builder, L2 silent: /healthz %d %q, want its own 503", a.code, a.body)
	}
}
