package opnode

import (
	"fmt"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Role is the sequencer's consensus client, judged through its sync status (optimism_syncStatus):
// if it is down, stale or not on the L2's chain, no blocks are built. health and ready judge it,
// live does not. Its own further checks are Judged's.
var Role = check.Role{Name: "op-node", Title: "op-node", Failure: check.Unavailable, Modes: []check.Mode{check.Health, check.Ready}}

// Judged is Role with its further checks, made by health alone after the common ones and
// the unsafe head's comparison with the L2 passed, each Partial (blocks are built): its safe head
// older than maxSafe (0: off) is safe_stale; fewer than minPeers connected p2p peers (0: off), or
// peers that could not be counted, is few_peers.
func Judged(maxSafe time.Duration, minPeers uint64) check.Role {
	r := Role
	r.Criteria = nil
	if maxSafe > 0 {
		r.Criteria = append(r.Criteria, check.Criterion{Failure: check.Partial, Modes: []check.Mode{check.Health},
			Check: func(_ check.Config, o check.Observation) (check.Cause, string) { return safeStale(o, maxSafe) }})
	}
	if minPeers > 0 {
		r.Criteria = append(r.Criteria, check.Criterion{Failure: check.Partial, Modes: []check.Mode{check.Health},
			Check: func(_ check.Config, o check.Observation) (check.Cause, string) { return fewPeers(o, minPeers) }})
	}
	return r
}

// Relations are op-node's checks against its execution client l2, in order: its unsafe head must
// be the L2's block at that height (diverged), and its distance to the L2's head is shown, never
// judged.
func Relations(opNode, l2 check.Role) []check.Relation {
	return []check.Relation{check.SameUnsafeHead(opNode, l2, CauseDiverged), check.MaxLag(opNode, l2, nil)}
}

// syncStatus is the sync status op-node's last head carried, or nil.
func syncStatus(o check.Observation) *SyncStatus {
	if o.Last == nil {
		return nil
	}
	s, _ := o.Last.Detail.(*SyncStatus)
	return s
}

// safeStale is op-conductor's safe-head check (HEALTHCHECK_SAFE_INTERVAL): the safe head's age,
// strictly greater than max, fails.
func safeStale(o check.Observation, max time.Duration) (check.Cause, string) {
	s := syncStatus(o)
	if s == nil {
		return "", ""
	}
	if s.SafeL2.Hash == ([32]byte{}) {
		return CauseSafeStale, fmt.Sprintf("has no safe head yet (safe_l2 is zeroed; max safe age %s)", max)
	}
	if age := s.Age(s.SafeL2); age > max {
		return CauseSafeStale, fmt.Sprintf("safe head #%d is %s old (max %s): blocks are built but not made safe (batcher or L1 failing)", s.SafeL2.Number, age, max)
	}
	return "", ""
}

// fewPeers is op-conductor's peer check (HEALTHCHECK_MIN_PEER_COUNT). Peers that could not be
// counted fail it too, as they do op-conductor's: --min-peers asked for a count, and a check that
// cannot be made does not pass; the failure is Partial like the check's, since the sync status,
// and so block building, is fine.
func fewPeers(o check.Observation, min uint64) (check.Cause, string) {
	s := syncStatus(o)
	if s == nil {
		return "", ""
	}
	if err := s.PeersErr; err != nil {
		why := fmt.Sprintf("peers not counted (--min-peers %d): opp2p_peerStats: %v", min, err)
		if strings.Contains(err.Error(), "-32601") {
			why += ": op-node's p2p API is not enabled (or not served on this port)"
		}
		return CauseFewPeers, why
	}
	if p := s.Peers; p != nil && p.Connected < min {
		peers := "peers"
		if p.Connected == 1 {
			peers = "peer"
		}
		return CauseFewPeers, fmt.Sprintf("has %d p2p %s connected (min %d)", p.Connected, peers, min)
	}
	return "", ""
}
