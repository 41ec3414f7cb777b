package opnode

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

var now = time.Unix(1764633600, 0)

// opNodeSeen is an op-node endpoint whose unsafe head is fresh and whose safe head is safeAge old.
func opNodeSeen(role check.Role, safeAge time.Duration, peers *PeerStats, peersErr error) check.Endpoint {
	s := &SyncStatus{
		UnsafeL2: BlockRef{Hash: common.Hash{1}, Number: 100, Timestamp: uint64(now.Unix())},
		SafeL2:   BlockRef{Hash: common.Hash{2}, Number: 90, Timestamp: uint64(now.Add(-safeAge).Unix())},
		Seen:     now, PeersAsked: peers != nil || peersErr != nil, Peers: peers, PeersErr: peersErr,
	}
	h := check.Head{Number: 100, Hash: common.Hash{1}, Timestamp: uint64(now.Unix()), Detail: s}
	return check.Endpoint{Role: role, Observation: check.Observation{First: &h, Last: &h, Samples: 1}}
}

func l2Seen() check.Endpoint {
	h := check.Head{Number: 100, Hash: common.Hash{1}, Timestamp: uint64(now.Unix())}
	return check.Endpoint{Role: l2, Observation: check.Observation{First: &h, Last: &h, Samples: 1}}
}

func TestOpNodeJudged_SafeHeadAndPeers_ArePartialInHealthOnly(t *testing.T) {
	notEnabled := &rpc.Failure{Class: rpc.ClassRPCError, Msg: "JSON-RPC error -32601: the method opp2p_peerStats does not exist/is not available"}
	for _, tc := range []struct {
		name     string
		maxSafe  time.Duration
		minPeers uint64
		safeAge  time.Duration
		peers    *PeerStats
		peersErr error
		mode     check.Mode
		state    check.State
		cause    check.Cause
		reason   []string
	}{
		{"SafeFresh", 20 * time.Minute, 0, 2 * time.Minute, nil, nil, check.Health, check.Healthy, "", nil},
		{"SafeAtTheLimit_Passes", 20 * time.Minute, 0, 20 * time.Minute, nil, nil, check.Health, check.Healthy, "", nil},
		{"SafeOld_IsPartial", 20 * time.Minute, 0, 21 * time.Minute, nil, nil, check.Health, check.Partial, CauseSafeStale,
			[]string{"op-node safe head #90 is 21m0s old (max 20m0s): blocks are built but not made safe"}},
		{"SafeOld_NotJudgedByReady", 20 * time.Minute, 0, 21 * time.Minute, nil, nil, check.Ready, check.Healthy, "", nil},
		{"SafeOld_NotJudgedWithoutTheFlag", 0, 0, 21 * time.Hour, nil, nil, check.Health, check.Healthy, "", nil},
		{"EnoughPeers", 0, 3, 0, &PeerStats{Connected: 3}, nil, check.Health, check.Healthy, "", nil},
		{"FewPeers_IsPartial", 0, 3, 0, &PeerStats{Connected: 2}, nil, check.Health, check.Partial, CauseFewPeers,
			[]string{"op-node has 2 p2p peers connected (min 3)"}},
		{"OnePeer_IsPartial_OnePeerSaid", 0, 2, 0, &PeerStats{Connected: 1}, nil, check.Health, check.Partial, CauseFewPeers,
			[]string{"op-node has 1 p2p peer connected (min 2)"}},
		{"FewPeers_NotJudgedByReady", 0, 3, 0, &PeerStats{Connected: 0}, nil, check.Ready, check.Healthy, "", nil},
		{"P2PNotEnabled_IsPartial_AndSaysSo", 0, 3, 0, nil, notEnabled, check.Health, check.Partial, CauseFewPeers,
			[]string{"peers not counted (--min-peers 3)", "-32601", "p2p API is not enabled"}},
		{"PeersUnreadable_IsPartial", 0, 3, 0, nil, errors.New("malformed response: x"), check.Health, check.Partial, CauseFewPeers,
			[]string{"peers not counted"}},
		{"SafeFirst", 20 * time.Minute, 3, 21 * time.Minute, &PeerStats{Connected: 0}, nil, check.Health, check.Partial, CauseSafeStale, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			role := Judged(tc.maxSafe, tc.minPeers)
			r := check.Judge(tc.mode, check.Config{MaxAge: 10 * time.Second}, []check.Endpoint{l2Seen(), opNodeSeen(role, tc.safeAge, tc.peers, tc.peersErr)}, Relations(role, l2))
			e := r.Endpoint("op-node")
			if r.State != tc.state || e == nil || e.Cause != tc.cause {
				t.Fatalf("state %s (%q), want %s with cause %q", r.State, r.Reason, tc.state, tc.cause)
			}
			for _, want := range tc.reason {
				if !strings.Contains(r.Reason, want) {
					t.Errorf("reason %q lacks %q", r.Reason, want)
				}
			}
		})
	}
}

func TestOpNode_JudgedByHealthAndReady_NotLive(t *testing.T) {
	for mode, want := range map[check.Mode]bool{check.Health: true, check.Ready: true, check.Live: false} {
		if Role.JudgedIn(mode) != want || Judged(time.Minute, 1).JudgedIn(mode) != want {
			t.Errorf("%s judges op-node: %v, want %v", mode, !want, want)
		}
	}
	if Role.Name != "op-node" || Role.Key() != "op_node" || Role.Failure != check.Unavailable {
		t.Errorf("role %+v", Role)
	}
}

// Before op-node knows a safe head it answers a zeroed safe_l2: that is no safe head, said so.
func TestOpNodeJudged_ZeroedSafeHead(t *testing.T) {
	role := Judged(20*time.Minute, 0)
	e := opNodeSeen(role, 0, nil, nil)
	e.Last.Detail.(*SyncStatus).SafeL2 = BlockRef{}
	r := check.Judge(check.Health, check.Config{}, []check.Endpoint{l2Seen(), e}, Relations(role, l2))
	if r.State != check.Partial || r.Reason != "op-node has no safe head yet (safe_l2 is zeroed; max safe age 20m0s)" {
		t.Errorf("%s %q", r.State, r.Reason)
	}
	if line := e.Last.Detail.Line(); line != "safe none, finalized none, L1 head none, current L1 none" {
		t.Errorf("line %q", line)
	}
}

// l2 is an execution client's role, as the execution kind declares it.
var l2 = check.Role{Name: "l2", Title: "L2", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready, check.Live}}
