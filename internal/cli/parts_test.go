package cli

import (
	"context"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/conductor"
	"github.com/headprobe/headprobe/internal/testkit"
	"github.com/headprobe/headprobe/roles"
	"github.com/headprobe/headprobe/rollupboost"
	"github.com/headprobe/headprobe/rpc"
)

func TestParts_NoneWithoutTheirFlags(t *testing.T) {
	if parts := mustParse(t, hp("--l2", "http://l2:1", "--builder", "http://b:1"), nil).newParts(); len(parts) != 0 {
		t.Errorf("%d parts without their flags", len(parts))
	}
}

func TestParts_FromFlagsAndEnvironment(t *testing.T) {
	cfg := mustParse(t, hp("--l2", "http://l2:1", "--rollup-boost", "http://rb:8081", "--rollup-boost-header", "X-Key: s3cret"),
		map[string]string{"HEADPROBE_CONDUCTOR": "http://cond:8547\n", "HEADPROBE_ROLLUP_BOOST_DEBUG": "http://rb:5555"})
	parts := cfg.newParts()
	if len(parts) != 2 {
		t.Fatalf("%d parts, want rollup-boost and the conductor", len(parts))
	}
	rb, ok := parts[0].(*rollupboost.Part)
	if !ok || rb.URL != "http://rb:8081/healthz" || rb.DebugURL != "http://rb:5555" || rb.Debug == nil {
		t.Errorf("rollup-boost part %+v", parts[0])
	}
	if got := cfg.parts.rollupBoost.opts.Headers.Get("X-Key"); got != "s3cret" {
		t.Errorf("header %q", got)
	}
	c, ok := parts[1].(*conductor.Part)
	if !ok || c.URL != "http://cond:8547" || c.Sequencing != nil {
		t.Errorf("conductor part %+v (no op-node: no sequencing source)", parts[1])
	}
}

// TestParts_ConductorAsksTheOpNodeEndpoint: the op-node endpoint, found by its role's name (its
// flag comes with the op-node branch), answers admin_sequencerActive, and a leader whose op-node
// does not sequence is unavailable.
func TestParts_ConductorAsksTheOpNodeEndpoint(t *testing.T) {
	leader := testkit.NewFakeRPC(map[string]string{
		"conductor_leader": `"result":true`, "conductor_active": `"result":true`, "conductor_paused": `"result":false`,
		"conductor_stopped": `"result":false`, "conductor_sequencerHealthy": `"result":true`,
	}).Start(t)
	opNode := testkit.NewFakeRPC(map[string]string{conductor.SequencerActiveMethod: `"result":false`}).Start(t)
	cfg := mustParse(t, hp("--l2", "http://l2:1", "--conductor", leader, "--chain-id", "901"), nil)
	cfg.endpoints = append(cfg.endpoints, endpoint{role: check.Role{Name: opNodeRole}, url: opNode, opts: rpc.Options{Timeout: time.Second, ChainID: true}})
	p := cfg.newParts()[0].(*conductor.Part)
	defer p.Close()
	if _, ok := p.Sequencing.(conductor.OpNodeAdmin); !ok {
		t.Fatalf("sequencing source %T, want op-node's admin API", p.Sequencing)
	}
	f := p.Observe(context.Background(), check.SystemClock{}, cfg.check, check.NewHeads()).Judge(check.Health, cfg.check, &check.Result{})
	if f.Cause != check.CauseLeaderNotSequencing {
		t.Errorf("cause %q (%s), want leader_not_sequencing", f.Cause, f.Reason)
	}
}

func TestParts_ModesThatIgnoreThemIgnoreTheirFlags(t *testing.T) {
	bad := []string{"--rollup-boost", "ws://x:1", "--rollup-boost-debug", "nope", "--conductor", "nope"}
	for _, mode := range []string{"live"} {
		if parts := mustParse(t, hp(append([]string{mode, "--l2", "http://l2:1"}, bad...)...), nil).newParts(); len(parts) != 0 {
			t.Errorf("%s: %d parts", mode, len(parts))
		}
	}
	cfg := mustParse(t, hp("ready", "--l2", "http://l2:1", "--rollup-boost", "http://rb:1", "--rollup-boost-debug", "nope", "--conductor", "nope"), nil)
	if parts := cfg.newParts(); len(parts) != 1 || parts[0].Role().Name != roles.RollupBoost.Name || parts[0].(*rollupboost.Part).Debug != nil {
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
