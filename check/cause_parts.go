package check

// The causes of rollup-boost's and op-conductor's findings.
const (
	// CauseRollupBoostPartial: rollup-boost's /healthz answers 206 Partial Content, its builder is
	// not building.
	CauseRollupBoostPartial Cause = "rollup_boost_partial"
	// CauseRollupBoostUnavailable: rollup-boost's /healthz answers 503, the L2 is not building.
	CauseRollupBoostUnavailable Cause = "rollup_boost_unavailable"
	// CauseLeaderNotSequencing: op-conductor says this node leads, but its op-node is not sequencing.
	CauseLeaderNotSequencing Cause = "leader_not_sequencing"
	// CauseTwoSequencers: op-conductor says this node follows, but its op-node is sequencing.
	CauseTwoSequencers Cause = "two_sequencers"
)
