package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
	"github.com/headprobe/headprobe/kind/conductor"
	"github.com/headprobe/headprobe/kind/rollupboost"
)

func TestParts_NoneWithoutTheirFlags(t *testing.T) {
	if parts := madeParts(mustParse(t, hp("--l2", "http://l2:1", "--builder", "http://b:1"), nil)); len(parts) != 0 {
		t.Errorf("%d parts without their flags", len(parts))
	}
}

func TestParts_FromFlagsAndEnvironment(t *testing.T) {
	var key atomic.Value
	rbSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { key.Store(r.Header.Get("X-Key")) }))
	defer rbSrv.Close()
	cfg := mustParse(t, hp("--l2", "http://l2:1", "--rollup-boost", rbSrv.URL, "--rollup-boost-header", "X-Key: s3cret"),
		map[string]string{"HEADPROBE_CONDUCTOR": "http://cond:8547\n", "HEADPROBE_ROLLUP_BOOST_DEBUG": "http://rb:5555"})
	parts := madeParts(cfg)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want rollup-boost and the conductor", len(parts))
	}
	rb, ok := parts[0].(*rollupboost.Part)
	if !ok || rb.URL != rbSrv.URL+"/healthz" || rb.DebugURL != "http://rb:5555" || rb.Debug == nil {
		t.Fatalf("rollup-boost part %+v", parts[0])
	}
	rollupboost.FetchHealthz(context.Background(), rb.Healthz)
	if got, _ := key.Load().(string); got != "s3cret" {
		t.Errorf("header %q", got)
	}
	c, ok := parts[1].(*conductor.Part)
	if !ok || c.URL != "http://cond:8547" || c.Sequencing != nil {
		t.Errorf("conductor part %+v (no op-node: no sequencing source)", parts[1])
	}
}

// TestParts_ConductorAsksTheOpNodeEndpoint: the op-node endpoint, found by its role's name among
// the sources op-node's kind planned, answers admin_sequencerActive, and a leader whose op-node
// does not sequence is unavailable.
func TestParts_ConductorAsksTheOpNodeEndpoint(t *testing.T) {
	leader := testkit.NewFakeRPC(map[string]string{
		"conductor_leader": `"result":true`, "conductor_active": `"result":true`, "conductor_paused": `"result":false`,
		"conductor_stopped": `"result":false`, "conductor_sequencerHealthy": `"result":true`,
	}).Start(t)
	opNode := testkit.NewFakeRPC(map[string]string{conductor.SequencerActiveMethod: `"result":false`}).Start(t)
	cfg := mustParse(t, hp("--l2", "http://l2:1", "--conductor", leader, "--op-node", opNode, "--chain-id", "901"), nil)
	p := madeParts(cfg)[0].(*conductor.Part)
	defer p.Close()
	if _, ok := p.Sequencing.(conductor.OpNodeAdmin); !ok {
		t.Fatalf("sequencing source %T, want op-node's admin API", p.Sequencing)
	}
	f := p.Observe(context.Background(), check.SystemClock{}, cfg.Check, check.NewHeads()).Judge(check.Health, cfg.Check, &check.Result{})
	if f.Cause != conductor.CauseLeaderNotSequencing {
		t.Errorf("cause %q (%s), want leader_not_sequencing", f.Cause, f.Reason)
	}
}

func TestParts_ModesThatIgnoreThemIgnoreTheirFlags(t *testing.T) {
	bad := []string{"--rollup-boost", "ws://x:1", "--rollup-boost-debug", "nope", "--conductor", "nope"}
	for _, mode := range []string{"live"} {
		if parts := madeParts(mustParse(t, hp(append([]string{mode, "--l2", "http://l2:1"}, bad...)...), nil)); len(parts) != 0 {
			t.Errorf("%s: %d parts", mode, len(parts))
		}
	}
	cfg := mustParse(t, hp("ready", "--l2", "http://l2:1", "--rollup-boost", "http://rb:1", "--rollup-boost-debug", "nope", "--conductor", "nope"), nil)
	if parts := madeParts(cfg); len(parts) != 1 || parts[0].Role().Name != rollupboost.Role.Name || parts[0].(*rollupboost.Part).Debug != nil {
		t.Errorf("ready: parts %v, want rollup-boost's /healthz alone", parts)
	}
}

func TestParts_BadURLsAreRefusedInOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rollup-boost", "ws://rb:8081"}, "--rollup-boost \"ws://rb:8081\": /healthz is plain HTTP"},
		{[]string{"--rollup-boost", "/run/rb.ipc"}, "--rollup-boost \"/run/rb.ipc\": /healthz is plain HTTP"},
		{[]string{"--rollup-boost", "rb:8081"}, "--rollup-boost \"rb:8081\" has no scheme"},
		{[]string{"--rollup-boost-debug", "ftp://rb"}, "--rollup-boost-debug"},
		{[]string{"--conductor", "cond:8547"}, "--conductor \"cond:8547\" has no scheme"},
		{[]string{"--conductor", "http://c:1", "--conductor-header", "nocolon"}, "--conductor-header: want \"Name: value\""},
	} {
		mustRefuse(t, hp(append([]string{"--l2", "http://l2:1"}, tc.args...)...), nil, tc.want)
	}
}
