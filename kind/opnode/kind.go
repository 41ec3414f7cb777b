package opnode

import (
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/rpc"
)

// op-node's flags.
const (
	FlagOpNode       = "op-node"
	FlagOpNodeSecret = "op-node-jwt-secret"
	FlagOpNodeHeader = "op-node-header"
	FlagMaxSafe      = "max-safe-interval"
	FlagMinPeers     = "min-peers"
	category         = "op-node (health and ready; not live)"
)

// Kind is op-node: its sync status judged as a head, compared with the L2's block at its
// height, its safe head and its peers.
var Kind = kind.Kind{
	Name:   "op-node",
	Roles:  []check.Role{Role},
	Causes: []check.Cause{CauseDiverged, CauseSafeStale, CauseFewPeers},
	Flags: []kind.Flag{
		{Name: FlagOpNode, Category: category, Modes: kind.NotLive, Usage: "op-node RPC `URL` (optimism_syncStatus); absent: no op-node checks"},
		{Name: FlagOpNodeSecret, Category: category, Modes: kind.NotLive, Usage: "JWT secret `FILE` for an op-node behind a gateway that wants one"},
		{Name: FlagOpNodeHeader, Type: kind.Headers, Category: category, Modes: kind.NotLive, Usage: "extra HTTP `HEADER` \"Name: value\" for op-node"},
		{Name: FlagMaxSafe, Category: category, Modes: kind.HealthOnly, Shown: "off", Long: true, Usage: "partial when op-node's safe head is older than `DURATION` (health only)"},
		{Name: FlagMinPeers, Category: category, Modes: kind.HealthOnly, Shown: "off", Usage: "partial when op-node has fewer than `N` p2p peers (health only)"},
	},
	Configure: configure,
}

// configure plans op-node's endpoint after the L2's and before the builder's, so that a failing
// op-node (unavailable) leads the reason before a failing builder (partial). live ignores its
// flags entirely; ready reads the endpoint's, health also the thresholds of its own checks.
func configure(v kind.Values) (kind.Plan, error) {
	var p kind.Plan
	if !Role.JudgedIn(v.Mode()) {
		return p, nil
	}
	e, err := v.Endpoint(Role, FlagOpNode, FlagOpNodeSecret, FlagOpNodeHeader)
	if err != nil {
		return p, err
	}
	var maxSafe time.Duration
	var minPeers uint64
	if v.IsSet(FlagMaxSafe) {
		if maxSafe, err = v.Duration(FlagMaxSafe); err != nil {
			return p, err
		}
	}
	if v.IsSet(FlagMinPeers) {
		if minPeers, err = v.Whole(FlagMinPeers); err != nil {
			return p, err
		}
	}
	if e == nil {
		if maxSafe > 0 || minPeers > 0 {
			v.Warn("--%s and --%s judge op-node, and no --%s is given", FlagMaxSafe, FlagMinPeers, FlagOpNode)
		}
		return p, nil
	}
	e.Role = Judged(maxSafe, minPeers)
	peers := minPeers > 0
	p.Sources = []kind.Source{{Endpoint: *e, Rank: kind.RankOpNode,
		New: func(url string, opts rpc.Options) check.Source { return NewSource(url, opts, peers) }}}
	if l2, ok := v.Role(kind.L2); ok {
		p.Relations = Relations(e.Role, l2)
	}
	return p, nil
}
