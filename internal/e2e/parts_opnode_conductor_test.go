package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/testkit"
)

// op-conductor beside op-node on the compiled binary: the conductor's role against op-node's
// admin_sequencerActive (leader_not_sequencing, two_sequencers, both ways), op-node's admin API
// not enabled, and every fault of that one call. A fault of admin_sequencerActive alone is a note
// on the conductor and the check is skipped, as the conductor's part judges it (conductor/part.go):
// not knowing whether op-node sequences is no evidence that it does not, and op-node's own
// reachability is judged by op-node's checks (a refused op-node is unavailable as op-node).

// opNodeCall is one HTTP request an endpoint fake was sent: its methods and headers.
type opNodeCall struct {
	methods []string
	header  http.Header
}

// recorder is an endpoint fake that records every request; admin, when set, answers the requests
// that call admin_sequencerActive (a fault of that method alone), inner the others.
type recorder struct {
	inner, admin http.Handler
	mu           sync.Mutex
	calls        []opNodeCall
}

// ServeHTTP records the request's methods and headers and answers it.
func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	req.Body = io.NopCloser(bytes.NewReader(body))
	var calls []struct {
		Method string `json:"method"`
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] != '[' {
		body = append(append([]byte("["), trimmed...), ']')
	}
	json.Unmarshal(body, &calls)
	var methods []string
	for _, c := range calls {
		methods = append(methods, c.Method)
	}
	r.mu.Lock()
	r.calls = append(r.calls, opNodeCall{methods: methods, header: req.Header.Clone()})
	r.mu.Unlock()
	for _, m := range methods {
		if m == "admin_sequencerActive" && r.admin != nil {
			r.admin.ServeHTTP(w, req)
			return
		}
	}
	r.inner.ServeHTTP(w, req)
}

// start serves it until the test ends and returns its URL.
func (r *recorder) start(t *testing.T) string {
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL
}

// requests are the requests it was sent that call method.
func (r *recorder) requests(method string) []opNodeCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []opNodeCall
	for _, c := range r.calls {
		for _, m := range c.methods {
			if m == method {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// methods are every method it was sent, in order.
func (r *recorder) methods() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		out = append(out, c.methods...)
	}
	return out
}

// syncStatusOf is the devnet op-node stand-in's optimism_syncStatus answer for l2, taken now: its
// unsafe head is the L2's head (fresh, as sequencer seals one), nothing sealed.
func syncStatusOf(t *testing.T, l2 *devnet.Node) string {
	t.Helper()
	op, err := devnet.StartOpNode(l2)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	resp, err := http.Post(op.URL(), "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"optimism_syncStatus","params":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || len(answer.Result) == 0 {
		t.Fatalf("the stand-in's sync status: %v", err)
	}
	return `"result":` + string(answer.Result)
}

// opNodeFake is op-node following l2 (its sync status, taken now) whose admin_sequencerActive
// answers sequencing (`"result":true`, …; "" leaves the admin API off: -32601).
func opNodeFake(t *testing.T, l2 *devnet.Node, sequencing string) *recorder {
	t.Helper()
	replies := map[string]string{"optimism_syncStatus": syncStatusOf(t, l2)}
	if sequencing != "" {
		replies["admin_sequencerActive"] = sequencing
	}
	return &recorder{inner: testkit.NewFakeRPC(replies)}
}

// conductorOf is op-conductor answering as a leader or a follower, healthy.
func conductorOf(t *testing.T, leader bool) string {
	return testkit.NewFakeRPC(conductorAnswers(leader, true)).Start(t)
}

// conductorArgs probes the L2, op-node at opNode and the conductor at cond in health.
func conductorArgs(net *devnet.Net, opNode, cond string, extra ...string) []string {
	return append([]string{"health", "--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile, "--max-unsafe-interval", "60",
		"--timeout", "500ms", "--op-node", opNode, "--conductor", cond}, extra...)
}

func TestConductorWithOpNode_RoleAgainstSequencing_BothWays(t *testing.T) {
	net := sequencer(t)
	sequencing, idle := opNodeFake(t, net.L2, `"result":true`), opNodeFake(t, net.L2, `"result":false`)
	seqURL, idleURL := sequencing.start(t), idle.start(t)
	for _, tc := range []partCase{
		{name: "leader sequencing", args: conductorArgs(net, seqURL, conductorOf(t, true)), code: exitHealthy,
			words: []string{"conductor leader, active, its health check: healthy, op-node sequencing"}, key: "conductor", doc: field("op_node_sequencing", true)},
		{name: "follower not sequencing", args: conductorArgs(net, idleURL, conductorOf(t, false)), code: exitHealthy,
			words: []string{"conductor follower, active, its health check: healthy, op-node not sequencing"}, key: "conductor", doc: field("op_node_sequencing", false)},
		{name: "leader not sequencing", args: conductorArgs(net, idleURL, conductorOf(t, true)), code: exitUnavailable,
			words: []string{"conductor leads, but op-node is not sequencing (admin_sequencerActive false)"}, key: "conductor", cause: "leader_not_sequencing", doc: field("op_node_sequencing", false)},
		{name: "two sequencers", args: conductorArgs(net, seqURL, conductorOf(t, false)), code: exitUnavailable,
			words: []string{"conductor follows, but op-node is sequencing: two active sequencers"}, key: "conductor", cause: "two_sequencers", doc: field("op_node_sequencing", true)},
	} {
		t.Run(tc.name, tc.run)
	}
	// op-node itself passed in every case, and was asked nothing but its sync status and
	// admin_sequencerActive (no eth_chainId: op-node has none).
	for _, r := range []*recorder{sequencing, idle} {
		for _, m := range r.methods() {
			if m != "optimism_syncStatus" && m != "admin_sequencerActive" {
				t.Errorf("op-node was asked %s", m)
			}
		}
		if len(r.requests("admin_sequencerActive")) == 0 {
			t.Error("op-node was never asked admin_sequencerActive")
		}
	}
}

func TestConductorWithOpNode_TextfileCarriesSequencing(t *testing.T) {
	net := sequencer(t)
	for _, tc := range []struct {
		leader bool
		want   []string
	}{
		{true, []string{"headprobe_status 2\n", `headprobe_endpoint_ok{endpoint="conductor"} 0`, `headprobe_endpoint_ok{endpoint="op-node"} 1`, "headprobe_conductor_op_node_sequencing 0\n", "headprobe_conductor_leader 1\n"}},
		{false, []string{"headprobe_status 0\n", `headprobe_endpoint_ok{endpoint="conductor"} 1`, "headprobe_conductor_op_node_sequencing 0\n", "headprobe_conductor_leader 0\n"}},
	} {
		prom := filepath.Join(t.TempDir(), "headprobe.prom")
		probeRun(t, append(conductorArgs(net, opNodeFake(t, net.L2, `"result":false`).start(t), conductorOf(t, tc.leader)), "-q", "--textfile", prom)...)
		data := string(testkit.MustRead(t, prom))
		for _, want := range tc.want {
			if !strings.Contains(data, want) {
				t.Errorf("leader %v: textfile lacks %q:\n%s", tc.leader, want, data)
			}
		}
	}
}

// TestConductorWithOpNode_AdminNotEnabled_IsANote: op-node without --rpc.enable-admin answers
// -32601; the check is skipped, the conductor says so, and the verdict is what it would be
// without it, whichever the role.
func TestConductorWithOpNode_AdminNotEnabled_IsANote(t *testing.T) {
	net := sequencer(t)
	op := opNodeFake(t, net.L2, "")
	url := op.start(t)
	note := func(t *testing.T, part map[string]any) {
		if n, _ := part["note"].(string); !strings.Contains(n, "op-node's admin API is not enabled (--rpc.enable-admin): whether it sequences is not checked") {
			t.Errorf("note %q", n)
		}
		if v, ok := part["op_node_sequencing"]; !ok || v != nil {
			t.Errorf("op_node_sequencing = %v (present %v), want null", v, ok)
		}
	}
	for _, leader := range []bool{true, false} {
		t.Run(map[bool]string{true: "leader", false: "follower"}[leader], partCase{args: conductorArgs(net, url, conductorOf(t, leader)), code: exitHealthy,
			words: []string{"conductor " + map[bool]string{true: "leader", false: "follower"}[leader] + ", active, its health check: healthy"}, key: "conductor", doc: note}.run)
	}
	if len(op.requests("admin_sequencerActive")) == 0 {
		t.Error("op-node was never asked admin_sequencerActive")
	}
}

// TestConductorWithOpNode_AdminFaults_AreNotes: every fault class of admin_sequencerActive alone
// (op-node's sync status answered) is a note naming the method and the fault, the check skipped,
// the verdict healthy; within the run's bound. op-node refused altogether is op-node's own
// failure (unavailable), the conductor's note beside it.
func TestConductorWithOpNode_AdminFaults_AreNotes(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	status := syncStatusOf(t, net.L2)
	faulty := func(admin http.Handler, members string) string {
		replies := map[string]string{"optimism_syncStatus": status}
		if members != "" {
			replies["admin_sequencerActive"] = members
		}
		return (&recorder{inner: testkit.NewFakeRPC(replies), admin: admin}).start(t)
	}
	plain := func(code int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			io.WriteString(w, body)
		})
	}
	hang := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	garbage := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Write([]byte("\x00\x01garbage \x1b[31mnot http\r\n\r\n"))
			conn.Close()
		}
	})
	leader := conductorOf(t, true)
	for _, tc := range []struct {
		name, url, note string
	}{
		{"hang", faulty(hang, ""), "admin_sequencerActive: timeout"},
		{"garbage", faulty(garbage, ""), "admin_sequencerActive: "},
		{"401", faulty(plain(401, "missing token"), ""), "admin_sequencerActive: unauthorized (HTTP 401"},
		{"5xx", faulty(plain(503, "no healthy upstream"), ""), "admin_sequencerActive: HTTP 503"},
		{"null result", faulty(nil, `"result":null`), "admin_sequencerActive: "},
		{"wrong type", faulty(nil, `"result":"true"`), "admin_sequencerActive: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			partCase{args: conductorArgs(net, tc.url, leader), code: exitHealthy, words: []string{"conductor leader, active, its health check: healthy"},
				key: "conductor", doc: func(t *testing.T, part map[string]any) {
					n, _ := part["note"].(string)
					if !strings.Contains(n, tc.note) || !strings.HasSuffix(n, "whether it sequences is not checked") {
						t.Errorf("note %q, want %q … whether it sequences is not checked", n, tc.note)
					}
					if strings.Contains(n, "\x1b") {
						t.Errorf("escape sequence in the note %q", n)
					}
				}}.run(t)
			// Within the run's bound: the timeout (500ms) plus the margin, whatever the fault.
			if d := probeRun(t, append(conductorArgs(net, tc.url, leader), "-o", "json")...).duration(t); d > 700*time.Millisecond {
				t.Errorf("duration_seconds %s, want within the 500ms timeout + margin", d)
			}
		})
	}
	t.Run("refused", partCase{args: conductorArgs(net, testkit.RefusedURL(t), leader), code: exitUnavailable,
		words: []string{"op-node connection refused"}, key: "conductor", doc: func(t *testing.T, part map[string]any) {
			if n, _ := part["note"].(string); !strings.Contains(n, "op-node's admin_sequencerActive: connection refused") {
				t.Errorf("note %q", n)
			}
		}}.run)
}

// TestConductorWithOpNode_AdminGoesToOpNodeWithItsHeaders: admin_sequencerActive is sent to the
// op-node URL with op-node's headers and JWT, never the conductor's; the conductor gets its own.
// With --chain-id, op-node (which has no eth_chainId) is still asked its sync status alone.
func TestConductorWithOpNode_AdminGoesToOpNodeWithItsHeaders(t *testing.T) {
	net := sequencer(t)
	op := opNodeFake(t, net.L2, `"result":true`)
	cond := &recorder{inner: testkit.NewFakeRPC(conductorAnswers(true, true))}
	args := conductorArgs(net, op.start(t), cond.start(t), "--op-node-header", "X-Op: op-node-token", "--op-node-jwt-secret", net.JWTSecretFile,
		"--conductor-header", "X-Cond: conductor-token", "--chain-id", "901")
	probeRun(t, args...).expect(t, exitHealthy, "HEALTHY: ", "op-node sequencing")
	if got := strings.Join(op.methods(), " "); got != "optimism_syncStatus admin_sequencerActive" && got != "admin_sequencerActive optimism_syncStatus" {
		t.Errorf("op-node was asked %q, want its sync status and admin_sequencerActive once each", got)
	}
	admin := op.requests("admin_sequencerActive")
	if len(admin) != 1 {
		t.Fatalf("op-node got %d admin_sequencerActive requests, want 1", len(admin))
	}
	if h := admin[0].header; h.Get("X-Op") != "op-node-token" || h.Get("X-Cond") != "" || !strings.HasPrefix(h.Get("Authorization"), "Bearer ") {
		t.Errorf("admin_sequencerActive's headers: %v", h)
	}
	for _, c := range cond.calls {
		if c.header.Get("X-Cond") != "conductor-token" || c.header.Get("X-Op") != "" || c.header.Get("Authorization") != "" {
			t.Errorf("the conductor's request %v had headers %v", c.methods, c.header)
		}
	}
	if len(cond.requests("admin_sequencerActive")) != 0 {
		t.Error("the conductor was asked admin_sequencerActive")
	}
}

// TestConductorWithOpNode_ReadyAndLive: ready judges op-node but not the conductor, so a leader
// whose op-node does not sequence is ready and admin_sequencerActive is not asked; live asks
// op-node nothing.
func TestConductorWithOpNode_ReadyAndLive(t *testing.T) {
	net := sequencer(t)
	op := opNodeFake(t, net.L2, `"result":false`)
	url := op.start(t)
	for _, mode := range []string{"ready", "live"} {
		args := append([]string{mode}, conductorArgs(net, url, conductorOf(t, true))[1:]...)
		t.Run(mode, partCase{args: args, code: exitHealthy}.run)
	}
	if got := op.requests("admin_sequencerActive"); len(got) != 0 {
		t.Errorf("admin_sequencerActive asked %d times outside health", len(got))
	}
	// ready with op-node failing (refused) is unavailable, the conductor still not judged.
	args := append([]string{"ready"}, conductorArgs(net, testkit.RefusedURL(t), conductorOf(t, true))[1:]...)
	partCase{args: args, code: exitUnavailable, words: []string{"op-node connection refused"}, key: "op_node", cause: "unreachable"}.run(t)
}

// TestConductorDeadlock_FirstLineLeadsWithWhatToDo (issue #18): real op-conductor's deadlock
// (opstack.md: after op-geth or op-node stalled, the conductor leads, its health check fails, and
// op-node stays stopped until someone calls admin_startSequencer): every head is stale, and the
// first line leads with the cause that explains them, saying what to do, before the stale heads.
func TestConductorDeadlock_FirstLineLeadsWithWhatToDo(t *testing.T) {
	l2, _ := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: time.Now().Add(-22 * time.Second)},
		devnet.NodeConfig{Name: "builder"})
	opNode := opNodeFake(t, l2, `"result":false`).start(t)
	deadlocked := testkit.NewFakeRPC(conductorAnswers(true, false)).Start(t) // leader, its health check failing
	args := []string{"health", "--l2", l2.HTTPURL(), "--op-node", opNode, "--conductor", deadlocked}
	partCase{args: args, code: exitUnavailable, key: "conductor", cause: "leader_not_sequencing",
		words: []string{"UNAVAILABLE: conductor leads, but op-node is not sequencing (admin_sequencerActive false), so no blocks are built: call admin_startSequencer on op-node; l2 head #0 is "}}.run(t)

	// Right after bootstrap, real op-conductor v1.19.6 is also paused: resume it after.
	bootstrapped := testkit.NewFakeRPC(conductorBootstrapped()).Start(t)
	o := probeRun(t, "health", "--l2", l2.HTTPURL(), "--op-node", opNode, "--conductor", bootstrapped)
	o.expect(t, exitUnavailable, "UNAVAILABLE: conductor leads, but op-node is not sequencing", "call admin_startSequencer on op-node, then conductor_resume; l2 head #0 is ")
}
