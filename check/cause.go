package check

import "slices"

// Cause is why an endpoint failed, stable for JSON (`cause`) and tests; "" when it passed.
type Cause string

// The causes, in the order the criteria and then the relations test them.
const (
	// CauseUnreachable: a request failed or gave no head (a transport error, an HTTP or JSON-RPC
	// error, a malformed answer, no block, an observation cut short). The transport's own class is
	// rpc.Failure's, shown as JSON error_class.
	CauseUnreachable Cause = "unreachable"
	// CauseWrongChain: the chain id is not --chain-id, or differs from the one it is checked against.
	CauseWrongChain Cause = "wrong_chain"
	// CauseClockSkew: the head is stamped more than --max-clock-skew in the future.
	CauseClockSkew Cause = "clock_skew"
	// CauseStale: the head is older than --max-unsafe-interval.
	CauseStale Cause = "stale"
	// CauseStuckAcrossRuns: the head has not advanced for longer than --max-stall across runs.
	CauseStuckAcrossRuns Cause = "stuck_across_runs"
	// CauseStuck: the head advanced less than --min-blocks within the --interval window.
	CauseStuck Cause = "stuck"
	// CauseBehind: the head is more blocks behind the one it is checked against than allowed.
	CauseBehind Cause = "behind"
	// CauseBuilderAhead: the head is more blocks ahead of the one it is checked against than
	// allowed (a builder ahead of the L2 it builds for has blocks the L2 never had).
	CauseBuilderAhead Cause = "builder_ahead"
	// CauseForked: the head is not the block at its height of the endpoint it is checked against.
	CauseForked Cause = "forked"
)

// Explains reports whether c, failing in a run beside a failure of cause other, explains it: the
// first line then leads with c (Result.Reason), as the one thing to act on.
func (c Cause) Explains(other Cause) bool { return slices.Contains(explained[c], other) }

// explained lists, for each cause that explains others, the causes it explains.
var explained = map[Cause][]Cause{
	// No blocks are built: every head goes stale and stops, the builder's and op-node's with the
	// L2's, the safe head follows, and rollup-boost, which judges the L2, fails with it.
	CauseLeaderNotSequencing: {CauseStale, CauseStuck, CauseStuckAcrossRuns, CauseBehind, CauseSafeStale, CauseRollupBoostUnavailable, CauseRollupBoostPartial},
}
