package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/opnode"
)

// opNodeResult is a health run of an L2 at #1240 and an op-node whose unsafe head is #1238,
// compared with the L2's block there (the same block unless diverged).
func opNodeResult(diverged bool) check.Result {
	seen := time.Unix(1000, 0)
	l2 := check.Endpoint{Role: execution.L2, URL: "http://l2:8551", Observation: check.Observation{
		Last: &check.Head{Number: 1240, Hash: common.HexToHash("0x1240"), Timestamp: 1000}, Age: time.Second, Samples: 1,
	}}
	status := &opnode.SyncStatus{
		UnsafeL2: opnode.BlockRef{Hash: common.HexToHash("0x1238"), Number: 1238, Timestamp: 998},
		SafeL2:   opnode.BlockRef{Hash: common.HexToHash("0x1200"), Number: 1200, Timestamp: 960},
		HeadL1:   opnode.BlockRef{Hash: common.HexToHash("0x77"), Number: 77, Timestamp: 996},
		Seen:     seen, PeersAsked: true, Peers: &opnode.PeerStats{Connected: 9},
	}
	unsafe := check.Head{Number: 1238, Hash: status.UnsafeL2.Hash, Timestamp: 998, Detail: status}
	l2Hash := unsafe.Hash
	if diverged {
		l2Hash = common.HexToHash("0xcd34")
	}
	role := opnode.Judged(0, 5)
	op := check.Endpoint{Role: role, URL: "http://op-node:9545", Observation: check.Observation{Last: &unsafe, Age: 2 * time.Second, Samples: 1},
		Fork: &check.Fork{Number: 1238, Hash: unsafe.Hash, AgainstHash: l2Hash}}
	r := check.Judge(check.Health, check.Config{MaxAge: 10 * time.Second}, []check.Endpoint{l2, op}, opnode.Relations(role, execution.L2))
	r.Start = time.Unix(1_800_000_000, 0)
	return r
}

func TestOpNode_TextJSONAndTextfile(t *testing.T) {
	r := opNodeResult(false)
	if r.State != check.Healthy {
		t.Fatalf("%s: %s", r.State, r.Reason)
	}
	var b bytes.Buffer
	Text(&b, r, false)
	lines := strings.Split(b.String(), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[2], "  op-node  ok    #1238") ||
		!strings.Contains(lines[2], "2 behind the L2  safe #1200 age 40s, finalized none, L1 head #77, current L1 none, peers 9") {
		t.Errorf("text:\n%s", b.String())
	}
	b.Reset()
	JSON(&b, r)
	var doc struct {
		OpNode map[string]json.RawMessage `json:"op_node"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || doc.OpNode == nil {
		t.Fatalf("json %v: %s", err, b.String())
	}
	for key, want := range map[string]string{
		"url": `"http://op-node:9545"`, "ok": "true", "l2_distance_blocks": "2",
		"l2_block": `{"number":1238,"hash":"` + common.HexToHash("0x1238").Hex() + `","diverged":false}`,
		"peers":    `{"connected":9,"table":0,"banned":0,"known":0}`,
	} {
		if got := string(doc.OpNode[key]); got != want {
			t.Errorf("op_node.%s = %s, want %s", key, got, want)
		}
	}
	if _, ok := doc.OpNode["fork"]; ok {
		t.Error("op_node has the builder's fork object")
	}
	if !strings.Contains(string(doc.OpNode["safe_l2"]), `"number":1200`) || !strings.Contains(string(doc.OpNode["safe_l2"]), `"age_seconds":40`) {
		t.Errorf("op_node.safe_l2 = %s", doc.OpNode["safe_l2"])
	}
	text, err := renderTextfile(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`headprobe_op_node_block_number{ref="safe_l2"} 1200`, `headprobe_op_node_block_age_seconds{ref="safe_l2"} 40`,
		"headprobe_op_node_peers 9", "headprobe_op_node_lag_blocks 2", `headprobe_endpoint_ok{endpoint="op-node"} 1`,
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("textfile lacks %s:\n%s", want, text)
		}
	}
}

func TestOpNode_Diverged_NamesBothBlocks(t *testing.T) {
	r := opNodeResult(true)
	if r.State != check.Unavailable || r.Endpoint("op-node").Cause != opnode.CauseDiverged {
		t.Fatalf("%s %q", r.State, r.Reason)
	}
	want := "UNAVAILABLE: op-node unsafe head #1238 " + check.ShortHash(common.HexToHash("0x1238")) + " is not the L2's block #1238 " + check.ShortHash(common.HexToHash("0xcd34"))
	if Headline(r) != want {
		t.Errorf("headline %q, want %q", Headline(r), want)
	}
	var b bytes.Buffer
	JSON(&b, r)
	if !strings.Contains(b.String(), `"cause":"diverged"`) || !strings.Contains(b.String(), `"diverged":true`) {
		t.Errorf("json: %s", b.String())
	}
}
