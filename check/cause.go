package check

// Cause is why an endpoint failed, stable for JSON (`cause`) and tests; "" when it passed.
type Cause string

// The causes every kind's heads share, in the order the criteria and then the relations test
// them. A kind's own causes live in its package.
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
	// CauseAhead: the head is more blocks ahead of the one it is checked against than allowed (a
	// builder ahead of the L2 it builds for has blocks the L2 never had); its value is the
	// builder's, the one endpoint checked so.
	CauseAhead Cause = "builder_ahead"
	// CauseForked: the head is not the block at its height of the endpoint it is checked against.
	CauseForked Cause = "forked"
)

// CommonCauses are the causes above, which any kind's heads and parts may give.
var CommonCauses = []Cause{CauseUnreachable, CauseWrongChain, CauseClockSkew, CauseStale, CauseStuckAcrossRuns, CauseStuck, CauseBehind, CauseAhead, CauseForked}
