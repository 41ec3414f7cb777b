package conductor

import "github.com/headprobe/headprobe/check"

// The causes of op-conductor's findings.
const (
	// CauseLeaderNotSequencing: op-conductor says this node leads, but its op-node is not sequencing.
	CauseLeaderNotSequencing check.Cause = "leader_not_sequencing"
	// CauseTwoSequencers: op-conductor says this node follows, but its op-node is sequencing.
	CauseTwoSequencers check.Cause = "two_sequencers"
	// CauseStopped: op-conductor says it is stopped (conductor_stopped): its control loop
	// no longer runs, so failover is off. It wins over CausePaused when both hold.
	CauseStopped check.Cause = "conductor_stopped"
	// CausePaused: op-conductor says it is paused (conductor_paused), as it is right after
	// bootstrap: it does not act on the sequencer's health, so failover is off until conductor_resume.
	CausePaused check.Cause = "conductor_paused"
)
