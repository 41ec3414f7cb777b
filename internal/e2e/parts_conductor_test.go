package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/testkit"
)

// conductorAnswers are op-conductor's answers to its five methods (op-conductor/rpc/api.go), as
// real op-conductor v1.19.6 answers once resumed: active, neither paused nor stopped
// (../shared/recordings/op-stack-v1.19.6/conductor.2-leader-healthy-active.txt).
func conductorAnswers(leader, healthy bool) map[string]string {
	b := map[bool]string{true: `"result":true`, false: `"result":false`}
	return map[string]string{
		"conductor_leader": b[leader], "conductor_active": b[true], "conductor_paused": b[false],
		"conductor_stopped": b[false], "conductor_sequencerHealthy": b[healthy],
	}
}

// conductorBootstrapped answers as real op-conductor v1.19.6 right after --raft.bootstrap: leader,
// paused, so not active, its health monitor not yet healthy
// (../shared/recordings/op-stack-v1.19.6/conductor.1-bootstrapped-paused.txt).
func conductorBootstrapped() map[string]string {
	return map[string]string{
		"conductor_leader": `"result":true`, "conductor_active": `"result":false`, "conductor_paused": `"result":true`,
		"conductor_stopped": `"result":false`, "conductor_sequencerHealthy": `"result":false`,
	}
}

// conductorWith is a conductor answering as a healthy leader, but method with members.
func conductorWith(t *testing.T, method, members string) string {
	f := testkit.NewFakeRPC(conductorAnswers(true, true))
	f.Set(method, members)
	return f.Start(t)
}

func TestConductor_RoleShownAndFaults(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	health := append([]string{"health"}, authArgs(net, "--max-unsafe-interval", "60", "--timeout", "500ms", "--conductor")...)
	with := func(url string) []string { return append(append([]string(nil), health...), url) }
	for _, tc := range []partCase{
		{name: "leader", args: with(testkit.NewFakeRPC(conductorAnswers(true, true)).Start(t)), code: exitHealthy,
			words: []string{"conductor leader, active, its health check: healthy"}, key: "conductor", doc: field("role", "leader")},
		{name: "follower", args: with(testkit.NewFakeRPC(conductorAnswers(false, true)).Start(t)), code: exitHealthy,
			words: []string{"conductor follower, active"}, key: "conductor", doc: field("leader", false)},
		{name: "unhealthy while headprobe passes: a note", args: with(testkit.NewFakeRPC(conductorAnswers(true, false)).Start(t)), code: exitHealthy,
			words: []string{"its health check: unhealthy"}, key: "conductor", doc: func(t *testing.T, p map[string]any) {
				if note, _ := p["note"].(string); !strings.Contains(note, "unhealthy while headprobe's checks pass") {
					t.Errorf("note %q", note)
				}
			}},
		{name: "paused right after bootstrap", args: with(testkit.NewFakeRPC(conductorBootstrapped()).Start(t)), code: exitPartial,
			words: []string{"conductor leader, paused (conductor_paused): failover is off"}, key: "conductor", cause: "conductor_paused", doc: field("paused", true)},
		{name: "stopped", args: with(conductorWith(t, "conductor_stopped", `"result":true`)), code: exitPartial,
			words: []string{"conductor leader, stopped (conductor_stopped): failover is off"}, key: "conductor", cause: "conductor_stopped", doc: field("stopped", true)},
		{name: "refused", args: with(testkit.RefusedURL(t)), code: exitPartial,
			words: []string{"conductor connection refused: failover cannot be watched"}, key: "conductor", cause: "unreachable", doc: field("error_class", "refused")},
		{name: "hang", args: with(testkit.HangServer(t)), code: exitPartial,
			words: []string{"conductor timeout"}, key: "conductor", cause: "unreachable", doc: field("error_class", "timeout")},
		{name: "401", args: with(testkit.StatusServer(t, 401, "")), code: exitPartial,
			words: []string{"conductor unauthorized (HTTP 401"}, key: "conductor", cause: "unreachable", doc: field("error_class", "unauthorized")},
		{name: "5xx", args: with(testkit.StatusServer(t, 503, "down")), code: exitPartial,
			words: []string{"conductor HTTP 503"}, key: "conductor", cause: "unreachable", doc: field("error_class", "http")},
		{name: "garbage", args: with(testkit.GarbageServer(t)), code: exitPartial,
			words: []string{"conductor "}, key: "conductor", cause: "unreachable", doc: field("error_class", "connection")},
		{name: "null result", args: with(conductorWith(t, "conductor_leader", `"result":null`)), code: exitPartial,
			words: []string{"conductor_leader result is null"}, key: "conductor", cause: "unreachable", doc: field("error_class", "malformed")},
		{name: "-32601", args: with(conductorWith(t, "conductor_stopped", `"error":{"code":-32601,"message":"the method conductor_stopped does not exist/is not available"}`)), code: exitPartial,
			words: []string{"conductor_stopped: JSON-RPC error -32601"}, key: "conductor", cause: "unreachable", doc: field("error_class", "rpc_error")},
		{name: "wrong type", args: with(conductorWith(t, "conductor_active", `"result":"0x1"`)), code: exitPartial,
			words: []string{`conductor_active result "0x1" is not a boolean`}, key: "conductor", cause: "unreachable", doc: field("error_class", "malformed")},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestConductor_TextfileCarriesTheRole(t *testing.T) {
	net := sequencer(t)
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	o := probeRun(t, authArgs(net, "--max-unsafe-interval", "60", "--conductor", testkit.NewFakeRPC(conductorAnswers(true, true)).Start(t), "--textfile", prom)...)
	o.expect(t, exitHealthy, "HEALTHY: ")
	data, _ := os.ReadFile(prom)
	for _, want := range []string{"headprobe_conductor_leader 1\n", "headprobe_conductor_active 1\n", "headprobe_conductor_paused 0\n", "headprobe_conductor_stopped 0\n", "headprobe_conductor_sequencer_healthy 1\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("textfile lacks %q:\n%s", want, data)
		}
	}
}

// TestConductor_ReadyAndLiveIgnoreIt: only health judges op-conductor, so a failover never
// hangs on a probe of readiness or liveness.
func TestConductor_ReadyAndLiveIgnoreIt(t *testing.T) {
	net := sequencer(t)
	for _, mode := range []string{"ready", "live"} {
		t.Run(mode, partCase{args: []string{mode, "--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile, "--max-unsafe-interval", "60", "--conductor", testkit.RefusedURL(t)},
			code: exitHealthy}.run)
	}
}

// partsTextfileRun writes the textfile with rollup-boost (200, enabled), op-conductor (a healthy
// leader) and op-node (following the L2 and sequencing, parts_opnode_conductor_test.go) beside
// the L2, so that their series are read by node_exporter and linted by promtool with the others
// (nodeexporter_test.go). It returns the series it must hold.
func partsTextfileRun(t *testing.T, l2 *devnet.Node, secretFile, prom string) map[string]float64 {
	t.Helper()
	probeRun(t, "--l2", l2.AuthURL(), "--l2-jwt-secret", secretFile, "--max-unsafe-interval", "60", "-q", "--textfile", prom,
		"--rollup-boost", healthz(t, 200), "--rollup-boost-debug", executionMode(t, `"result":{"execution_mode":"enabled"}`),
		"--conductor", testkit.NewFakeRPC(conductorAnswers(true, true)).Start(t),
		"--op-node", opNodeFake(t, l2, `"result":true`).start(t)).expect(t, exitHealthy, "")
	return map[string]float64{
		"headprobe_status": 0, "headprobe_endpoint_ok{endpoint=rollup-boost}": 1, "headprobe_endpoint_ok{endpoint=conductor}": 1,
		"headprobe_endpoint_ok{endpoint=op-node}": 1, "headprobe_conductor_op_node_sequencing": 1,
		"headprobe_rollup_boost_healthz_status_code": 200, "headprobe_rollup_boost_agrees": 1,
		"headprobe_rollup_boost_execution_mode{mode=enabled}": 1, "headprobe_rollup_boost_execution_mode{mode=disabled}": 0,
		"headprobe_conductor_leader": 1, "headprobe_conductor_active": 1, "headprobe_conductor_paused": 0,
		"headprobe_conductor_stopped": 0, "headprobe_conductor_sequencer_healthy": 1,
	}
}

// TestWatch_FollowsTheConductorsRole: off a terminal, every line names the conductor's role, and
// a failover shows on the next line.
func TestWatch_FollowsTheConductorsRole(t *testing.T) {
	net := sequencer(t)
	cond := testkit.NewFakeRPC(conductorAnswers(false, true))
	cmd := exec.Command(binary, "watch", "--every", "200ms", "--max-unsafe-interval", "60", "--l2", net.L2.HTTPURL(), "--conductor", cond.Start(t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	lines, stderr := startLines(t, cmd)
	deadline := time.After(10 * time.Second)
	var got []string
	for len(got) == 0 || !strings.Contains(got[len(got)-1], " conductor=leader ") {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stdout closed after %q; stderr %q", got, stderr.String())
			}
			if len(got) == 0 {
				if !strings.Contains(line, " l2=#1 conductor=follower ") {
					t.Errorf("first line %q does not name the follower", line)
				}
				cond.Set("conductor_leader", `"result":true`) // the failover
			}
			got = append(got, line)
		case <-deadline:
			t.Fatalf("no line with the new leader within 10 s: %q", got)
		}
	}
}

// TestConductor_HealthViewSeesFlashblocks: the conductor's health view is compared with every
// other check of the run, the flashblocks stream's too: a dead stream beside a conductor saying
// healthy is a disagreement, and beside one saying unhealthy it is none.
func TestConductor_HealthViewSeesFlashblocks(t *testing.T) {
	net := sequencer(t)
	dead := "ws" + strings.TrimPrefix(testkit.RefusedURL(t), "http")
	note := func(want string) func(*testing.T, map[string]any) {
		return func(t *testing.T, p map[string]any) {
			if n, _ := p["note"].(string); (want == "") != (n == "") || !strings.Contains(n, want) {
				t.Errorf("note %q, want %q", n, want)
			}
		}
	}
	for _, tc := range []struct {
		name    string
		healthy bool
		want    string
	}{
		{"conductor healthy", true, "healthy while headprobe's checks fail: it will not fail over"},
		{"conductor unhealthy", false, ""},
	} {
		args := append([]string{"health"}, authArgs(net, "--max-unsafe-interval", "60", "--flashblocks", dead, "--conductor", testkit.NewFakeRPC(conductorAnswers(true, tc.healthy)).Start(t))...)
		t.Run(tc.name, partCase{args: args, code: exitPartial, words: []string{"flashblocks "}, key: "conductor", doc: note(tc.want)}.run)
	}
}
