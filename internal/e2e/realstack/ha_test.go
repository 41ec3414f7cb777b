package realstack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// TestHA_ExactlyOneSequencerLeadsBeforeAndAfterFailover freezes the leader's op-geth in a real
// 3-node raft cluster: before, during and after the failover exactly one sequencer leads and
// sequences, headprobe finds the old leader unavailable and the new one healthy, and no run
// reports two_sequencers.
func TestHA_ExactlyOneSequencerLeadsBeforeAndAfterFailover(t *testing.T) {
	d := start(t, opstack.Options{Sequencers: 3})
	c := ctx(t)
	targets := filepath.Join(t.TempDir(), "targets.yaml")
	var yaml strings.Builder
	fmt.Fprintf(&yaml, "defaults:\n  l2-jwt-secret: %s\n  chain-id: %d\ntargets:\n", d.JWTSecretFile, opstack.L2ChainID)
	for _, s := range d.Sequencers {
		fmt.Fprintf(&yaml, "  %s:\n    l2: %s\n    op-node: %s\n    conductor: %s\n", s.Name, s.EL.AuthURL, s.Node.URL, s.Conductor.URL)
	}
	if err := os.WriteFile(targets, []byte(yaml.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	old := oneLeader(t, c, d, nil)
	code, docs := fleetDocs(t, targets)
	if code != exitHealthy {
		t.Errorf("before the failover: fleet exit %d, want 0", code)
	}
	judgeFleet(t, docs, map[string]int{"seq-a": exitHealthy, "seq-b": exitHealthy, "seq-c": exitHealthy}, old.Name)

	if err := old.EL.Freeze(); err != nil {
		t.Fatal(err)
	}
	thawed := false
	defer func() {
		if !thawed {
			old.EL.Thaw()
		}
	}()
	var leader *opstack.Sequencer
	if err := opstack.WaitFor(c, "leadership moves and the new leader sequences", 120*time.Second, func(c context.Context) (bool, error) {
		l := d.Leader(c)
		if l == nil || l == old {
			return false, nil
		}
		active, err := l.Node.SequencerActive(c)
		if err == nil && active {
			leader = l
		}
		return leader != nil, err
	}); err != nil {
		t.Fatal(err)
	}
	if err := opstack.WaitFor(c, leader.Name+"'s head is fresh again", 60*time.Second, func(c context.Context) (bool, error) {
		_, ts, err := leader.EL.Head(c)
		return err == nil && time.Since(time.Unix(int64(ts), 0)) < 4*time.Second, err
	}); err != nil {
		t.Fatal(err)
	}
	oneLeader(t, c, d, old)
	_, docs = fleetDocs(t, targets)
	judgeFleet(t, docs, map[string]int{old.Name: exitUnavailable, leader.Name: exitHealthy}, leader.Name)
	if cause := docs[old.Name].causes()["l2"]; cause != "unreachable" {
		t.Errorf("the old leader's frozen op-geth: l2 cause %q, want unreachable", cause)
	}

	if err := old.EL.Thaw(); err != nil {
		t.Fatal(err)
	}
	thawed = true
	if err := opstack.WaitFor(c, old.Name+" catches up", 90*time.Second, func(c context.Context) (bool, error) {
		_, ts, err := old.EL.Head(c)
		return err == nil && time.Since(time.Unix(int64(ts), 0)) < 4*time.Second, err
	}); err != nil {
		t.Fatal(err)
	}
	now := oneLeader(t, c, d, nil)
	_, docs = fleetDocs(t, targets)
	judgeFleet(t, docs, map[string]int{"seq-a": exitHealthy, "seq-b": exitHealthy, "seq-c": exitHealthy}, now.Name)
}

// oneLeader checks, against the real processes, that exactly one conductor (skipping skip's,
// whose op-geth is frozen) says it leads and that only its op-node sequences; it returns it.
func oneLeader(t *testing.T, c context.Context, d *opstack.Devnet, skip *opstack.Sequencer) *opstack.Sequencer {
	t.Helper()
	var leaders, sequencing []string
	var leader *opstack.Sequencer
	for _, s := range d.Sequencers {
		if s == skip {
			continue
		}
		st, err := s.Conductor.Status(c)
		if err != nil {
			t.Fatal(err)
		}
		if st.Leader {
			leaders = append(leaders, s.Name)
			leader = s
		}
		active, err := s.Node.SequencerActive(c)
		if err != nil {
			t.Fatal(err)
		}
		if active {
			sequencing = append(sequencing, s.Name)
		}
	}
	if len(leaders) != 1 || len(sequencing) != 1 || leaders[0] != sequencing[0] {
		t.Fatalf("leaders %v, sequencing %v: want the same one sequencer", leaders, sequencing)
	}
	return leader
}

// judgeFleet checks each target's exit code in want, that the leader's conductor says leader
// and op-node sequencing and the others follower and not sequencing, and that no target reports
// two_sequencers (nor leader_not_sequencing).
func judgeFleet(t *testing.T, docs map[string]doc, want map[string]int, leader string) {
	t.Helper()
	for name, code := range want {
		d, ok := docs[name]
		if !ok {
			t.Errorf("no document for %s", name)
			continue
		}
		if d.ExitCode != code {
			t.Errorf("%s: exit %d (%s), want %d", name, d.ExitCode, d.Reason, code)
		}
	}
	for name, d := range docs {
		cond, ok := d.Entries["conductor"]
		if !ok {
			t.Errorf("%s: no conductor in the document", name)
			continue
		}
		if cond.Cause == "two_sequencers" || cond.Cause == "leader_not_sequencing" {
			t.Errorf("%s: conductor cause %s", name, cond.Cause)
		}
		if want[name] == exitUnavailable {
			continue
		}
		isLeader := name == leader
		if cond.Leader == nil || *cond.Leader != isLeader || cond.OpNodeSequencing == nil || *cond.OpNodeSequencing != isLeader {
			t.Errorf("%s: conductor %+v; want leader=%v and op-node sequencing=%v", name, cond, isLeader, isLeader)
		}
	}
}
