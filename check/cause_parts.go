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
	// CauseConductorStopped: op-conductor says it is stopped (conductor_stopped): its control loop
	// no longer runs, so failover is off. It wins over CauseConductorPaused when both hold.
	CauseConductorStopped Cause = "conductor_stopped"
	// CauseConductorPaused: op-conductor says it is paused (conductor_paused), as it is right after
	// bootstrap: it does not act on the sequencer's health, so failover is off until conductor_resume.
	CauseConductorPaused Cause = "conductor_paused"
)
