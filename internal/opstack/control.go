package opstack

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// L2Ref is an L2 block in optimism_syncStatus (numbers and timestamps are JSON numbers).
type L2Ref struct {
	Hash      common.Hash `json:"hash"`
	Number    uint64      `json:"number"`
	Timestamp uint64      `json:"timestamp"`
}

// SyncStatus is the part of op-node's optimism_syncStatus the devnet reads.
type SyncStatus struct {
	UnsafeL2    L2Ref `json:"unsafe_l2"`
	SafeL2      L2Ref `json:"safe_l2"`
	FinalizedL2 L2Ref `json:"finalized_l2"`
}

// SyncStatus asks the op-node.
func (n *OpNode) SyncStatus(ctx context.Context) (SyncStatus, error) {
	var s SyncStatus
	err := Call(ctx, n.URL, &s, "optimism_syncStatus")
	return s, err
}

// SequencerActive is op-node's admin_sequencerActive.
func (n *OpNode) SequencerActive(ctx context.Context) (bool, error) {
	var active bool
	err := Call(ctx, n.URL, &active, "admin_sequencerActive")
	return active, err
}

// Peers is the number of connected p2p peers (opp2p_peerStats).
func (n *OpNode) Peers(ctx context.Context) (int, error) {
	var stats struct {
		Connected int `json:"connected"`
	}
	err := Call(ctx, n.URL, &stats, "opp2p_peerStats")
	return stats.Connected, err
}

// StartSequencing starts s's op-node sequencing on its unsafe head (admin_startSequencer), as an
// operator recovers a stopped sequencer; "already running" is success.
func (d *Devnet) StartSequencing(ctx context.Context, s *Sequencer) error {
	return waitFor(ctx, s.Name+" starts sequencing", 30*time.Second, func(ctx context.Context) (bool, error) {
		st, err := s.Node.SyncStatus(ctx)
		if err != nil {
			return false, err
		}
		err = Call(ctx, s.Node.URL, nil, "admin_startSequencer", st.UnsafeL2.Hash)
		if err != nil && strings.Contains(err.Error(), "already running") {
			return true, nil
		}
		return err == nil, err
	})
}

// Head is the newest block of an EL (eth_getBlockByNumber "latest").
func (el *EL) Head(ctx context.Context) (number, timestamp uint64, err error) {
	var b blockRef
	if err := Call(ctx, el.HTTPURL, &b, "eth_getBlockByNumber", "latest", false); err != nil {
		return 0, 0, err
	}
	return uint64(b.Number), uint64(b.Timestamp), nil
}

// ConductorStatus is what op-conductor says of itself.
type ConductorStatus struct {
	Leader, Active, Paused, Stopped, SequencerHealthy bool
}

// Status asks the conductor for its role and state.
func (c *Conductor) Status(ctx context.Context) (ConductorStatus, error) {
	var s ConductorStatus
	for _, q := range []struct {
		method string
		into   *bool
	}{
		{"conductor_leader", &s.Leader}, {"conductor_active", &s.Active}, {"conductor_paused", &s.Paused},
		{"conductor_stopped", &s.Stopped}, {"conductor_sequencerHealthy", &s.SequencerHealthy},
	} {
		if err := Call(ctx, c.URL, q.into, q.method); err != nil {
			return s, err
		}
	}
	return s, nil
}

// Leader is the sequencer whose conductor says it leads, among those that answer; nil if none.
func (d *Devnet) Leader(ctx context.Context) *Sequencer {
	for _, s := range d.Sequencers {
		if s.Conductor.Frozen() || !s.Conductor.Running() {
			continue
		}
		var leader bool
		if Call(ctx, s.Conductor.URL, &leader, "conductor_leader") == nil && leader {
			return s
		}
	}
	return nil
}

// WaitSafeAdvance waits until the leader's safe head is past the genesis (the batcher landed a
// batch and op-node derived it).
func (d *Devnet) WaitSafeAdvance(ctx context.Context, bound time.Duration) error {
	return waitFor(ctx, "the safe head leaves the genesis", bound, func(ctx context.Context) (bool, error) {
		s := d.Leader(ctx)
		if s == nil {
			return false, nil
		}
		st, err := s.Node.SyncStatus(ctx)
		return err == nil && st.SafeL2.Number > 0, err
	})
}

// WaitFollowing waits until v's op-geth has a block at least as new as the sequencer's head was
// when called.
func (d *Devnet) WaitFollowing(ctx context.Context, v *Verifier, s *Sequencer, bound time.Duration) error {
	want, _, err := s.EL.Head(ctx)
	if err != nil {
		return err
	}
	return waitFor(ctx, v.Name+" follows "+s.Name, bound, func(ctx context.Context) (bool, error) {
		n, _, err := v.EL.Head(ctx)
		return err == nil && n >= want && n > 0, err
	})
}

// LogTails are the last n lines of every log, each under its process's name.
func (d *Devnet) LogTails(n int) string {
	var b strings.Builder
	for _, p := range d.Procs() {
		fmt.Fprintf(&b, "---- %s (%s)\n", p.Name, p.Log)
		b.WriteString(tailFile(p.Log, n))
	}
	return b.String()
}

// tailFile is the last n lines of a file (long lines cut).
func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return "(no log: " + err.Error() + ")\n"
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if len(line) > 400 {
			line = line[:400] + "…"
		}
		lines = append(lines, line)
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// SaveLogs copies every log to a new directory that Close does not remove, and returns it: a
// failed run keeps its logs.
func (d *Devnet) SaveLogs() (string, error) {
	dst, err := os.MkdirTemp("", "headprobe-opstack-logs")
	if err != nil {
		return "", err
	}
	return dst, copyTree(d.LogDir, dst)
}

// Deadlock drives a single-node cluster into the deadlock ../shared/opstack.md describes: s's
// op-geth is frozen (SIGSTOP) until op-conductor finds the sequencer unhealthy and stops it, and
// until the head is over twice --healthcheck.unsafe-interval old, so that the block op-node
// completes on thawing is stale too; then thawed. It returns once op-geth answers, op-node is not
// sequencing and the head is stale: the conductor stays leader, sees an unhealthy sequencer and
// never starts it again; only admin_startSequencer (StartSequencing) ends it.
func (d *Devnet) Deadlock(ctx context.Context, s *Sequencer) error {
	if err := s.EL.Freeze(); err != nil {
		return err
	}
	err := waitFor(ctx, "op-conductor finds the sequencer unhealthy", 90*time.Second, func(ctx context.Context) (bool, error) {
		st, err := s.Conductor.Status(ctx)
		return err == nil && !st.SequencerHealthy, err
	})
	if err == nil {
		err = waitFor(ctx, "the head is over 22 s old", 90*time.Second, func(ctx context.Context) (bool, error) {
			st, err := s.Node.SyncStatus(ctx)
			return err == nil && time.Since(time.Unix(int64(st.UnsafeL2.Timestamp), 0)) > 22*time.Second, err
		})
	}
	if thaw := s.EL.Thaw(); err == nil {
		err = thaw
	}
	if err != nil {
		return err
	}
	return waitFor(ctx, "op-geth answers, op-node is not sequencing, the head is stale", 90*time.Second, func(ctx context.Context) (bool, error) {
		if _, _, err := s.EL.Head(ctx); err != nil {
			return false, err
		}
		active, err := s.Node.SequencerActive(ctx)
		if err != nil || active {
			return false, err
		}
		st, err := s.Node.SyncStatus(ctx)
		return err == nil && time.Since(time.Unix(int64(st.UnsafeL2.Timestamp), 0)) > 12*time.Second, err
	})
}

// TransferLeader asks the leader's conductor to hand leadership to s
// (conductor_transferLeaderToServer, op-conductor/rpc/backend.go), then waits until s leads and
// sequences.
func (d *Devnet) TransferLeader(ctx context.Context, s *Sequencer, bound time.Duration) error {
	leader := d.Leader(ctx)
	if leader == s {
		return nil
	}
	if leader == nil {
		return fmt.Errorf("opstack: no leader to transfer from")
	}
	if err := Call(ctx, leader.Conductor.URL, nil, "conductor_transferLeaderToServer", s.Conductor.ID, s.Conductor.ConsensusAddr); err != nil {
		return fmt.Errorf("opstack: transfer leadership to %s: %w", s.Name, err)
	}
	return waitFor(ctx, s.Name+" leads and sequences", bound, func(ctx context.Context) (bool, error) {
		if d.Leader(ctx) != s {
			return false, nil
		}
		active, err := s.Node.SequencerActive(ctx)
		return err == nil && active, nil
	})
}
