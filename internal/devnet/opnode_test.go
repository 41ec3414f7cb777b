package devnet

import (
	"encoding/json"
	"strings"
	"testing"
)

// standInRef is what the test reads of a block ref: number and timestamp must be JSON numbers.
type standInRef struct {
	Hash      string `json:"hash"`
	Number    uint64 `json:"number"`
	Timestamp uint64 `json:"timestamp"`
}

func syncStatusOf(t *testing.T, op *OpNode) map[string]standInRef {
	t.Helper()
	var s map[string]standInRef
	result(t, op.URL(), "", &s, "optimism_syncStatus")
	return s
}

func TestOpNodeStandIn_DerivedFromTheL2(t *testing.T) {
	l2 := startNode(t, NodeConfig{Name: "l2"})
	for range 5 {
		if err := l2.Seal(); err != nil {
			t.Fatal(err)
		}
	}
	op, err := StartOpNode(l2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	number, hash, ts := l2.Head()
	s := syncStatusOf(t, op)
	for _, key := range []string{"unsafe_l2", "safe_l2", "finalized_l2", "head_l1", "current_l1", "safe_l1", "finalized_l1", "pending_safe_l2", "local_safe_l2"} {
		if _, ok := s[key]; !ok {
			t.Errorf("no %s in %v", key, s)
		}
	}
	if u := s["unsafe_l2"]; u.Number != number || u.Hash != hash.Hex() || u.Timestamp != ts {
		t.Errorf("unsafe_l2 %+v, want the L2's head #%d %s", u, number, hash.Hex())
	}
	if safe := s["safe_l2"]; safe.Number != number-DefaultSafeLag {
		t.Errorf("safe_l2 #%d, want #%d", safe.Number, number-DefaultSafeLag)
	}
	// The L2's block at the safe height, as the fork check would fetch it.
	var b block
	result(t, l2.HTTPURL(), "", &b, "eth_getBlockByNumber", "0x2", false)
	if s["safe_l2"].Hash != b.Hash {
		t.Errorf("safe_l2 %s is not the L2's block #2 %s", s["safe_l2"].Hash, b.Hash)
	}

	op.StallSafe()
	if err := l2.Seal(); err != nil {
		t.Fatal(err)
	}
	if s := syncStatusOf(t, op); s["safe_l2"].Number > number-DefaultSafeLag || s["unsafe_l2"].Number != number+1 {
		t.Errorf("stalled: safe #%d unsafe #%d", s["safe_l2"].Number, s["unsafe_l2"].Number)
	}
	op.ResumeSafe()
	op.Diverge(true)
	if s := syncStatusOf(t, op); s["unsafe_l2"].Number != number+1 || s["unsafe_l2"].Hash == l2HeadHash(t, l2) {
		t.Errorf("diverged: unsafe %+v is still the L2's", s["unsafe_l2"])
	}
	op.Diverge(false)

	op.SetPeers(3)
	var peers map[string]uint64
	result(t, op.URL(), "", &peers, "opp2p_peerStats")
	if peers["connected"] != 3 {
		t.Errorf("peers %v", peers)
	}
	op.SetP2P(false)
	_, body := post(t, op.URL(), "", "opp2p_peerStats")
	var answer struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.Error.Code != -32601 || !strings.Contains(answer.Error.Message, "opp2p_peerStats") {
		t.Errorf("p2p off: %s", body)
	}
}

// l2HeadHash is the L2's head hash.
func l2HeadHash(t *testing.T, l2 *Node) string {
	t.Helper()
	_, hash, _ := l2.Head()
	return hash.Hex()
}
