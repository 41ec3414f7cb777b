package cli

import (
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/roles"
	"github.com/headprobe/headprobe/rpc"
)

// opNode adds op-node's endpoint (--op-node) after the L2's, and returns its relations to the L2.
// live ignores op-node's flags entirely; ready reads the endpoint's, health also the thresholds of
// op-node's own checks (--max-safe-interval, --min-peers), which only it makes.
func (cfg *config) opNode(c *cli.Context, mode check.Mode) ([]check.Relation, error) {
	if mode == check.Live {
		return nil, nil
	}
	e, err := cfg.endpoint(c, roles.OpNode, flagOpNode, flagOpNodeSecret, flagOpNodeHeader)
	if err != nil {
		return nil, err
	}
	var maxSafe time.Duration
	var minPeers uint64
	if mode == check.Health {
		if isSet(c, flagMaxSafe) {
			if maxSafe, err = duration(c, flagMaxSafe); err != nil {
				return nil, err
			}
		}
		if isSet(c, flagMinPeers) {
			if minPeers, err = whole(c, flagMinPeers); err != nil {
				return nil, err
			}
		}
	}
	if e == nil {
		if maxSafe > 0 || minPeers > 0 {
			cfg.warnings = append(cfg.warnings, warning("--%s and --%s judge op-node, and no --%s is given", flagMaxSafe, flagMinPeers, flagOpNode))
		}
		return nil, nil
	}
	e.role = roles.OpNodeJudged(maxSafe, minPeers)
	peers := minPeers > 0
	e.source = func(url string, opts rpc.Options) check.Source { return rpc.NewOpNode(url, opts, peers) }
	// In role order: after the L2, before the builder, so that a failing op-node (unavailable)
	// leads the reason before a failing builder (partial).
	cfg.endpoints = slices.Insert(cfg.endpoints, 1, *e)
	return roles.OpNodeRelations(e.role), nil
}
