package opnode

import "github.com/headprobe/headprobe/check"

// The causes of op-node's checks beyond the common ones, in the order they are made: against the
// L2 (a relation), then its own criteria.
const (
	// CauseDiverged: op-node's unsafe head is not the L2 execution client's block at that height.
	CauseDiverged check.Cause = "diverged"
	// CauseSafeStale: op-node's safe head is older than --max-safe-interval (the batcher or L1 is failing).
	CauseSafeStale check.Cause = "safe_stale"
	// CauseFewPeers: op-node has fewer p2p peers than --min-peers, or they could not be counted.
	CauseFewPeers check.Cause = "few_peers"
)
