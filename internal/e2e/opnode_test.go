package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/statefile"
)

// The op-node checks on the compiled binary: each check both ways against the devnet's L2 and its
// op-node stand-in (internal/devnet), every fault class on the op-node endpoint against httptest
// servers answering the recorded shapes of kind/opnode/testdata/opnode, and ready and live with op-node
// failing.

// opNodeNet is the devnet's L2, sealing on demand with one fresh block, and an op-node stand-in
// derived from it.
func opNodeNet(t *testing.T, l2 *devnet.Node) *devnet.OpNode {
	t.Helper()
	seal(t, l2)
	op, err := devnet.StartOpNode(l2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	return op
}

// opNodeArgs probes the L2 on its Engine-API port and op-node at url.
func opNodeArgs(net *devnet.Net, url string, extra ...string) []string {
	return append([]string{"--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile, "--op-node", url}, extra...)
}

// opNodeDoc is what the tests read of a JSON document.
type opNodeDoc struct {
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"`
	OpNode   *struct {
		OK         bool   `json:"ok"`
		Cause      string `json:"cause"`
		ErrorClass string `json:"error_class"`
		SafeL2     *struct {
			Number uint64 `json:"number"`
		} `json:"safe_l2"`
		Peers *struct {
			Connected uint64 `json:"connected"`
		} `json:"peers"`
		L2Block *struct {
			Diverged bool `json:"diverged"`
		} `json:"l2_block"`
		L2DistanceBlocks *int64 `json:"l2_distance_blocks"`
	} `json:"op_node"`
}

// jsonRun runs the binary with -o json and a textfile, and checks that the document, the textfile
// and the exit code agree.
func jsonRun(t *testing.T, args ...string) (outcome, opNodeDoc, string) {
	t.Helper()
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	o := probeRun(t, append(args, "-o", "json", "--textfile", prom)...)
	var doc opNodeDoc
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, o.stdout)
	}
	data, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ExitCode != o.code || !strings.Contains(string(data), fmt.Sprintf("headprobe_status %d\n", o.code)) {
		t.Errorf("exit %d, json exit_code %d, textfile:\n%s", o.code, doc.ExitCode, data)
	}
	return o, doc, string(data)
}

func TestOpNode_FollowingTheL2_IsHealthy_InTextJSONAndTextfile(t *testing.T) {
	net := sequencer(t)
	op := opNodeNet(t, net.L2)
	number, _, _ := net.L2.Head()
	o := probeRun(t, opNodeArgs(net, op.URL(), "--min-peers", "3", "--max-safe-interval", "1h")...)
	o.expect(t, exitHealthy, "HEALTHY: l2 head #", fmt.Sprintf("op-node head #%d is", number))
	if !strings.Contains(o.stdout, "  op-node  ok    #") || !strings.Contains(o.stdout, "at the L2's head  safe #0 age") || !strings.Contains(o.stdout, "peers 8") {
		t.Errorf("no op-node line:\n%s", o.stdout)
	}
	_, doc, prom := jsonRun(t, opNodeArgs(net, op.URL(), "--min-peers", "3")...)
	if doc.Status != "healthy" || doc.OpNode == nil || !doc.OpNode.OK || doc.OpNode.Peers == nil || doc.OpNode.Peers.Connected != 8 ||
		doc.OpNode.L2Block == nil || doc.OpNode.L2Block.Diverged || doc.OpNode.L2DistanceBlocks == nil || *doc.OpNode.L2DistanceBlocks != 0 {
		t.Errorf("json: %+v", doc.OpNode)
	}
	for _, want := range []string{`headprobe_endpoint_ok{endpoint="op-node"} 1`, `headprobe_op_node_block_number{ref="unsafe_l2"} ` + fmt.Sprint(number), "headprobe_op_node_peers 8", "headprobe_op_node_lag_blocks 0"} {
		if !strings.Contains(prom, want) {
			t.Errorf("textfile lacks %s:\n%s", want, prom)
		}
	}
}

func TestOpNode_Diverged_IsUnavailable_NotInLive(t *testing.T) {
	net := sequencer(t)
	op := opNodeNet(t, net.L2)
	op.Diverge(true)
	number, hash, _ := net.L2.Head()
	short := hash.Hex()[:6] + "…" + hash.Hex()[62:]
	for _, cmd := range []string{"health", "ready"} {
		o, doc, prom := jsonRun(t, append([]string{cmd}, opNodeArgs(net, op.URL())...)...)
		if o.code != exitUnavailable || doc.OpNode == nil || doc.OpNode.Cause != "diverged" || doc.OpNode.L2Block == nil || !doc.OpNode.L2Block.Diverged {
			t.Errorf("%s: exit %d, op_node %+v", cmd, o.code, doc.OpNode)
		}
		if !strings.Contains(prom, `headprobe_endpoint_ok{endpoint="op-node"} 0`) {
			t.Errorf("%s: textfile:\n%s", cmd, prom)
		}
		probeRun(t, append([]string{cmd}, opNodeArgs(net, op.URL())...)...).expect(t, exitUnavailable,
			fmt.Sprintf("UNAVAILABLE: op-node unsafe head #%d 0x", number), fmt.Sprintf("is not the L2's block #%d %s", number, short))
	}
	o, doc, _ := jsonRun(t, append([]string{"live"}, opNodeArgs(net, op.URL())...)...)
	if o.code != exitHealthy || doc.OpNode != nil {
		t.Errorf("live: exit %d, op_node %+v", o.code, doc.OpNode)
	}
	// op-node's failure (unavailable) leads the reason, before the builder's (partial).
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	probeRun(t, append(authArgs(net), "--op-node", op.URL())...).expect(t, exitUnavailable,
		"UNAVAILABLE: op-node unsafe head #", "; builder connection refused")
	op.Diverge(false)
	probeRun(t, append([]string{"ready"}, opNodeArgs(net, op.URL())...)...).expect(t, exitHealthy, "HEALTHY: ")
}

// An L2 whose genesis is an hour old and whose head is fresh: the stand-in's safe head, three blocks
// behind, is the genesis.
func TestOpNode_SafeHeadOld_IsPartialInHealth_ReadyPasses(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "jwt.hex")
	if err := devnet.WriteSecretFile(secret, []byte(strings.Repeat("s", 32))); err != nil {
		t.Fatal(err)
	}
	l2 := oldNode(t, "l2", secret)
	op := opNodeNet(t, l2)
	args := []string{"--l2", l2.AuthURL(), "--l2-jwt-secret", secret, "--op-node", op.URL()}
	o, doc, prom := jsonRun(t, append([]string{"health", "--max-safe-interval", "20m"}, args...)...)
	if o.code != exitPartial || doc.OpNode == nil || doc.OpNode.Cause != "safe_stale" || doc.OpNode.SafeL2 == nil || doc.OpNode.SafeL2.Number != 0 {
		t.Errorf("exit %d, op_node %+v", o.code, doc.OpNode)
	}
	if !strings.Contains(prom, `headprobe_op_node_block_age_seconds{ref="safe_l2"} 36`) {
		t.Errorf("textfile:\n%s", prom)
	}
	probeRun(t, append([]string{"health", "--max-safe-interval", "20m"}, args...)...).expect(t, exitPartial,
		"PARTIAL: op-node safe head #0 is 1h0m", "old (max 20m0s): blocks are built but not made safe")
	probeRun(t, append([]string{"health", "--max-safe-interval", "2h"}, args...)...).expect(t, exitHealthy, "HEALTHY: ")
	probeRun(t, append([]string{"health"}, args...)...).expect(t, exitHealthy, "HEALTHY: ") // off by default
	probeRun(t, append([]string{"ready", "--max-safe-interval", "20m"}, args...)...).expect(t, exitHealthy, "HEALTHY: ")
}

func TestOpNode_FewPeers_IsPartialInHealth_ReadyPasses(t *testing.T) {
	net := sequencer(t)
	op := opNodeNet(t, net.L2)
	op.SetPeers(2)
	o, doc, prom := jsonRun(t, opNodeArgs(net, op.URL(), "--min-peers", "3")...)
	if o.code != exitPartial || doc.OpNode == nil || doc.OpNode.Cause != "few_peers" || doc.OpNode.Peers == nil || doc.OpNode.Peers.Connected != 2 {
		t.Errorf("exit %d, op_node %+v", o.code, doc.OpNode)
	}
	if !strings.Contains(prom, "headprobe_op_node_peers 2") {
		t.Errorf("textfile:\n%s", prom)
	}
	probeRun(t, opNodeArgs(net, op.URL(), "--min-peers", "3")...).expect(t, exitPartial, "PARTIAL: op-node has 2 p2p peers connected (min 3)")
	probeRun(t, opNodeArgs(net, op.URL(), "--min-peers", "2")...).expect(t, exitHealthy, "HEALTHY: ")
	probeRun(t, append([]string{"ready"}, opNodeArgs(net, op.URL(), "--min-peers", "3")...)...).expect(t, exitHealthy, "HEALTHY: ")
	// Without op-node's p2p API the peers cannot be counted: partial, and the reason says why.
	op.SetP2P(false)
	probeRun(t, opNodeArgs(net, op.URL(), "--min-peers", "3")...).expect(t, exitPartial,
		"PARTIAL: op-node peers not counted (--min-peers 3): opp2p_peerStats: JSON-RPC error -32601", "p2p API is not enabled")
	probeRun(t, opNodeArgs(net, op.URL())...).expect(t, exitHealthy, "HEALTHY: ") // no --min-peers: not asked
}

// The stale check both ways, with the recorded sync status: as recorded (December 2025) it is stale;
// restamped to now it is fresh (and far ahead of the devnet's L2, so there is nothing to compare).
func TestOpNode_Stale_IsUnavailable_AcrossRunsToo(t *testing.T) {
	net := sequencer(t)
	old := opNodeFixture(t, false, nil)
	o, doc, _ := jsonRun(t, opNodeArgs(net, old)...)
	if o.code != exitUnavailable || doc.OpNode == nil || doc.OpNode.Cause != "stale" {
		t.Errorf("exit %d, op_node %+v", o.code, doc.OpNode)
	}
	probeRun(t, opNodeArgs(net, old)...).expect(t, exitUnavailable, "UNAVAILABLE: op-node head #1000 is ", "old (max 10s)")
	probeRun(t, append([]string{"ready"}, opNodeArgs(net, old)...)...).expect(t, exitUnavailable, "UNAVAILABLE: op-node head #1000")
	probeRun(t, append([]string{"live"}, opNodeArgs(net, old)...)...).expect(t, exitHealthy, "HEALTHY: l2 answers")
	fresh := opNodeFixture(t, true, nil)
	o = probeRun(t, opNodeArgs(net, fresh)...)
	o.expect(t, exitHealthy, "HEALTHY: ", "op-node head #1000 is 0s old")
	if !strings.Contains(o.stdout, "999 ahead of the L2") {
		t.Errorf("no distance:\n%s", o.stdout)
	}
	// --max-clock-skew applies to op-node's head as to the L2's.
	future := opNodeFixture(t, true, func(s map[string]map[string]any) {
		s["unsafe_l2"]["timestamp"] = s["unsafe_l2"]["timestamp"].(float64) + 3600
	})
	probeRun(t, opNodeArgs(net, future)...).expect(t, exitUnavailable, "UNAVAILABLE: op-node head #1000 is stamped 1h0m0s in the future (max skew 30s)")
	// The state file remembers op-node's head as the L2's: pretend the first run was a minute ago.
	state := filepath.Join(t.TempDir(), "headprobe.state")
	args := opNodeArgs(net, fresh, "--state-file", state, "--max-stall", "20s")
	probeRun(t, args...).expect(t, exitHealthy, "HEALTHY: ")
	marks, warning := statefile.Load(state)
	key := statefile.Key("op-node", fresh)
	mark, ok := marks[key]
	if warning != "" || !ok || mark.Number != 1000 {
		t.Fatalf("state after the first run: %v %q", marks, warning)
	}
	mark.Since = time.Now().Add(-time.Minute)
	marks[key] = mark
	if err := statefile.Save(state, marks); err != nil {
		t.Fatal(err)
	}
	probeRun(t, args...).expect(t, exitUnavailable, "UNAVAILABLE: op-node head stuck at #1000 for 1m0s across runs (max 20s)")
}

// opNodeFixture serves kind/opnode/testdata/opnode's answers: restamped to now (keeping the refs'
// distances) or as recorded; edit, when set, changes the sync status before it is sent.
// peers, when not "", are the members opp2p_peerStats is answered with instead of the recorded ones.
func opNodeFixture(t *testing.T, restamp bool, edit func(map[string]map[string]any), peers ...string) string {
	t.Helper()
	read := func(name string) map[string]any {
		data, err := os.ReadFile(filepath.Join("kind", "opnode", "testdata", "opnode", name))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		var answer map[string]any
		if err := json.Unmarshal([]byte(strings.Join(lines, "\n")), &answer); err != nil {
			t.Fatal(err)
		}
		return answer
	}
	status, recorded := read("optimism_syncStatus.txt"), read("opp2p_peerStats.txt")
	return fmRPCServer(t, func(method string) string {
		switch method {
		case "optimism_syncStatus":
			s := map[string]map[string]any{}
			raw, _ := json.Marshal(status["result"])
			json.Unmarshal(raw, &s)
			if restamp {
				shift := float64(time.Now().Unix()) - s["unsafe_l2"]["timestamp"].(float64)
				for _, ref := range s {
					ref["timestamp"] = ref["timestamp"].(float64) + shift
				}
			}
			if edit != nil {
				edit(s)
			}
			out, _ := json.Marshal(s)
			return `"result":` + string(out)
		case "opp2p_peerStats":
			if len(peers) > 0 {
				return peers[0]
			}
			out, _ := json.Marshal(recorded["result"])
			return `"result":` + string(out)
		}
		return fmt.Sprintf(`"error":{"code":-32601,"message":"the method %s does not exist/is not available"}`, method)
	})
}

// fmRPCServer answers each JSON-RPC call, alone or in a batch, with the members answer gives its method.
func fmRPCServer(t *testing.T, answer func(method string) string) string {
	return fmHTTP(t, newFaultHits(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		batch := strings.HasPrefix(strings.TrimSpace(string(body)), "[")
		if !batch {
			body = []byte("[" + string(body) + "]")
		}
		var reqs []struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.Unmarshal(body, &reqs); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var out []string
		for _, req := range reqs {
			out = append(out, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,%s}`, req.ID, answer(req.Method)))
		}
		w.Header().Set("Content-Type", "application/json")
		if batch {
			fmt.Fprintf(w, "[%s]", strings.Join(out, ","))
		} else {
			io.WriteString(w, out[0])
		}
	}))
}

// Every fault class on the op-node endpoint: op-node's failure is unavailable (exit 2) with the
// reason first; a peers' fault alone, with --min-peers, is partial (exit 1).
func TestOpNode_Faults_ExitCodeAndReasonFirst(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	status := func(code int, body string) string {
		return fmHTTP(t, newFaultHits(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			io.WriteString(w, body)
		}))
	}
	silent, _ := fmListen(t, nil)
	hex := func(field string) func(map[string]map[string]any) {
		return func(s map[string]map[string]any) {
			s["unsafe_l2"][field] = fmt.Sprintf("0x%x", uint64(s["unsafe_l2"][field].(float64)))
		}
	}
	disabled := `"error":{"code":-32601,"message":"the method opp2p_peerStats does not exist/is not available"}`
	minPeers := []string{"--min-peers", "1"}
	for _, tc := range []struct {
		name  string
		url   string
		extra []string
		code  int
		first string
		class string
	}{
		{"Refused", "http://" + fmClosedPort(t), nil, exitUnavailable, "UNAVAILABLE: op-node connection refused", "refused"},
		{"Hang", "http://" + silent, []string{"--timeout", "500ms"}, exitUnavailable, "UNAVAILABLE: op-node timeout: no answer within 500ms", "timeout"},
		{"Unauthorized", status(401, "missing token"), nil, exitUnavailable, `UNAVAILABLE: op-node unauthorized (HTTP 401 "missing token")`, "unauthorized"},
		{"ServerError", status(503, "no healthy upstream"), nil, exitUnavailable, "UNAVAILABLE: op-node HTTP 503 Service Unavailable: no healthy upstream", "http"},
		{"Garbage", status(200, "<html>hello</html>"), nil, exitUnavailable, "UNAVAILABLE: op-node malformed response: invalid JSON", "malformed"},
		{"NullResult", fmRPCServer(t, func(string) string { return `"result":null` }), nil, exitUnavailable, "UNAVAILABLE: op-node no sync status (result is null)", "no_block"},
		{"UnknownMethod", fmRPCServer(t, func(m string) string {
			return `"error":{"code":-32601,"message":"the method ` + m + ` does not exist/is not available"}`
		}), nil, exitUnavailable, "UNAVAILABLE: op-node JSON-RPC error -32601: the method optimism_syncStatus does not exist/is not available", "rpc_error"},
		{"NumberAsHex", opNodeFixture(t, true, hex("number")), nil, exitUnavailable,
			`UNAVAILABLE: op-node malformed response: unsafe_l2.number "0x3e8" is a string: op-node gives JSON numbers, not hex`, "malformed"},
		{"TimestampAsHex", opNodeFixture(t, true, hex("timestamp")), nil, exitUnavailable,
			"UNAVAILABLE: op-node malformed response: unsafe_l2.timestamp \"0x", "malformed"},
		{"PeersCounted", opNodeFixture(t, true, nil), []string{"--min-peers", "12"}, exitHealthy, "HEALTHY: ", ""},
		{"PeersTooFew", opNodeFixture(t, true, nil), []string{"--min-peers", "13"}, exitPartial, "PARTIAL: op-node has 12 p2p peers connected (min 13)", ""},
		{"PeersUnknownMethod", opNodeFixture(t, true, nil, disabled), minPeers, exitPartial,
			"PARTIAL: op-node peers not counted (--min-peers 1): opp2p_peerStats: JSON-RPC error -32601: the method opp2p_peerStats does not exist/is not available: op-node's p2p API is not enabled", ""},
		{"PeersAsHex", opNodeFixture(t, true, nil, `"result":{"connected":"0xc","table":40}`), minPeers, exitPartial,
			`PARTIAL: op-node peers not counted (--min-peers 1): opp2p_peerStats: malformed response: peer stats' connected "0xc" is a string`, ""},
		{"PeersNull", opNodeFixture(t, true, nil, `"result":null`), minPeers, exitPartial,
			"PARTIAL: op-node peers not counted (--min-peers 1): opp2p_peerStats: no peer stats (result is null)", ""},
		{"PeersServerError", opNodeFixture(t, true, nil, `"error":{"code":-32000,"message":"p2p down"}`), minPeers, exitPartial,
			"PARTIAL: op-node peers not counted (--min-peers 1): opp2p_peerStats: JSON-RPC error -32000: p2p down", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The devnet's L2 judged with a minute's slack: on a loaded machine its in-process
			// chain can miss 10 s, and these rows are about the op-node endpoint alone.
			args := append(opNodeArgs(net, tc.url, tc.extra...), "--max-unsafe-interval", "1m")
			probeRun(t, args...).expect(t, tc.code, tc.first)
			o, doc, _ := jsonRun(t, args...)
			switch {
			case doc.OpNode == nil:
				t.Errorf("exit %d, no op_node", o.code)
			case tc.class != "" && (doc.OpNode.OK || doc.OpNode.Cause != "unreachable" || doc.OpNode.ErrorClass != tc.class):
				t.Errorf("exit %d, op_node %+v, want error_class %s", o.code, doc.OpNode, tc.class)
			case tc.code == exitPartial && (doc.OpNode.Cause != "few_peers" || doc.OpNode.ErrorClass != ""):
				t.Errorf("exit %d, op_node %+v, want few_peers", o.code, doc.OpNode)
			}
			// ready fails alike; live ignores op-node.
			probeRun(t, append([]string{"ready"}, args...)...).expect(t, map[bool]int{true: exitUnavailable, false: exitHealthy}[tc.code == exitUnavailable], "")
			probeRun(t, append([]string{"live"}, args...)...).expect(t, exitHealthy, "HEALTHY: l2 answers")
		})
	}
}
