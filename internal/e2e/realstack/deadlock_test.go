package realstack

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// TestDeadlock_LeaderNotSequencing_IsUnavailableNamingTheCause reproduces the single-node
// deadlock on the real parts: op-geth frozen until op-conductor finds the sequencer unhealthy and
// stops it, then thawed. op-geth answers, the conductor leads, op-node does not sequence and the
// head goes stale: headprobe must say unavailable, leader_not_sequencing, and tell the operator
// what to do; after admin_startSequencer it is healthy again.
func TestDeadlock_LeaderNotSequencing_IsUnavailableNamingTheCause(t *testing.T) {
	d := start(t, opstack.Options{})
	c := ctx(t)
	seq := d.Sequencers[0]
	args := []string{"--l2", seq.EL.AuthURL, "--l2-jwt-secret", d.JWTSecretFile, "--op-node", seq.Node.URL,
		"--conductor", seq.Conductor.URL, "--chain-id", strconv.Itoa(opstack.L2ChainID)}
	expect(t, probe(t, "health", args...), exitHealthy, nil)

	// The conductor's own view is asserted below; Deadlock only drives the processes.
	if err := d.Deadlock(c, seq); err != nil {
		t.Fatal(err)
	}
	if active, err := seq.Node.SequencerActive(c); err != nil || active {
		t.Fatalf("op-node sequencing %v (%v): want stopped", active, err)
	}
	if age, err := unsafeAge(c, seq); err != nil || age < 11*time.Second {
		t.Fatalf("head age %s (%v): want stale", age, err)
	}
	st, err := seq.Conductor.Status(c)
	if err != nil || !st.Leader || st.Paused || st.Stopped || st.SequencerHealthy {
		t.Fatalf("the deadlock needs the conductor leading, neither paused nor stopped: %+v, %v", st, err)
	}

	h := probe(t, "health", args...)
	expect(t, h, exitUnavailable, map[string]string{"l2": "stale", "op_node": "stale", "conductor": "leader_not_sequencing"})
	if cond := h.Entries["conductor"]; cond.Leader == nil || !*cond.Leader || cond.OpNodeSequencing == nil || *cond.OpNodeSequencing {
		t.Errorf("conductor: %+v; want leader, op-node not sequencing", cond)
	}
	text := run(t, append([]string{"health"}, args...)...)
	if line := text.firstLine(); text.code != exitUnavailable || !strings.HasPrefix(line, "UNAVAILABLE") || !strings.Contains(line, "admin_startSequencer") {
		t.Errorf("exit %d, first line %q: want UNAVAILABLE telling the operator to call admin_startSequencer", text.code, line)
	}

	// The remedy the first line names brings the chain back.
	if err := d.StartSequencing(c, seq); err != nil {
		t.Fatal(err)
	}
	if err := opstack.WaitFor(c, "a fresh head", 60*time.Second, func(c context.Context) (bool, error) {
		age, err := unsafeAge(c, seq)
		return err == nil && age < 4*time.Second, err
	}); err != nil {
		t.Fatal(err)
	}
	expect(t, probe(t, "health", args...), exitHealthy, nil)
}
