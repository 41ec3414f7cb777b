package realstack

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// TestSingleSequencer_EveryOpNodeAndConductorCheckBothWays runs every --op-node and --conductor
// check against one real sequencer (op-geth, op-node, op-conductor), two verifiers and op-batcher,
// each passing and failing, with health, ready and live agreeing in their exit code, JSON and
// textfile.
func TestSingleSequencer_EveryOpNodeAndConductorCheckBothWays(t *testing.T) {
	d := start(t, opstack.Options{})
	c := ctx(t)
	seq := d.Sequencers[0]
	if err := d.WaitSafeAdvance(c, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	base := []string{"--l2", seq.EL.AuthURL, "--l2-jwt-secret", d.JWTSecretFile, "--chain-id", strconv.Itoa(opstack.L2ChainID)}
	opNode := append(append([]string{}, base...), "--op-node", seq.Node.URL)
	all := append(append([]string{}, opNode...), "--conductor", seq.Conductor.URL, "--max-safe-interval", "60s", "--min-peers", "2")
	with := func(args []string, extra ...string) []string { return append(append([]string{}, args...), extra...) }

	t.Run("every check passes; health, ready and live agree", func(t *testing.T) {
		h := probe(t, "health", all...)
		expect(t, h, exitHealthy, nil)
		for _, k := range []string{"l2", "op_node", "conductor"} {
			if _, ok := h.Entries[k]; !ok {
				t.Errorf("health judged no %s", k)
			}
		}
		cond := h.Entries["conductor"]
		if cond.Role != "leader" || cond.Leader == nil || !*cond.Leader || cond.OpNodeSequencing == nil || !*cond.OpNodeSequencing ||
			cond.Active == nil || !*cond.Active || cond.Paused == nil || *cond.Paused || cond.SequencerHealthy == nil || !*cond.SequencerHealthy {
			t.Errorf("conductor in JSON: %+v", cond)
		}
		if cond.Note != "" {
			t.Errorf("the conductor's health view agrees, yet a note: %q", cond.Note)
		}
		expect(t, probe(t, "ready", all...), exitHealthy, nil)
		expect(t, probe(t, "live", all...), exitHealthy, nil)
	})

	t.Run("unsafe head: op-node's head is not the block the L2 has at that height", func(t *testing.T) {
		// The L1's geth (its HTTP port: --dev serves no Engine API) stands for an execution client
		// on another chain than op-node's.
		other := []string{"--l2", d.L1.HTTPURL, "--op-node", seq.Node.URL}
		if err := opstack.WaitFor(c, "the L1 is higher than the L2", 60*time.Second, func(c context.Context) (bool, error) {
			l1, _, err := d.L1.Head(c)
			st, err2 := seq.Node.SyncStatus(c)
			return err == nil && err2 == nil && l1 > st.UnsafeL2.Number, err
		}); err != nil {
			t.Fatal(err)
		}
		expect(t, probe(t, "health", other...), exitUnavailable, map[string]string{"op_node": "diverged"})
	})

	t.Run("safe head: --max-safe-interval 60s passes while op-batcher runs (it fails below, once op-batcher stops)", func(t *testing.T) {
		expect(t, probe(t, "health", with(opNode, "--max-safe-interval", "60s")...), exitHealthy, nil)
	})

	t.Run("peers: --min-peers 2 passes with two verifiers, 3 fails", func(t *testing.T) {
		expect(t, probe(t, "health", with(opNode, "--min-peers", "2")...), exitHealthy, nil)
		expect(t, probe(t, "health", with(opNode, "--min-peers", "3")...), exitPartial, map[string]string{"op_node": "few_peers"})
	})

	t.Run("the conductor's health view differs from a failing check: a note, not a cause", func(t *testing.T) {
		h := probe(t, "health", with(all, "--min-peers", "3")...)
		expect(t, h, exitPartial, map[string]string{"op_node": "few_peers"})
		if cond := h.Entries["conductor"]; !cond.OK || cond.Note == "" || cond.SequencerHealthy == nil || !*cond.SequencerHealthy {
			t.Errorf("conductor: %+v; want ok, its own view healthy, and a note that it will not fail over", cond)
		}
	})

	t.Run("a verifier goes: the sequencer's op-node has 1 peer; op-conductor (minimum 1) keeps sequencing", func(t *testing.T) {
		if err := d.Verifiers[1].Node.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := opstack.WaitFor(c, "1 peer", 60*time.Second, func(c context.Context) (bool, error) {
			n, err := seq.Node.Peers(c)
			return err == nil && n == 1, err
		}); err != nil {
			t.Fatal(err)
		}
		h := probe(t, "health", all...)
		expect(t, h, exitPartial, map[string]string{"op_node": "few_peers"})
		if cond := h.Entries["conductor"]; !cond.OK || cond.OpNodeSequencing == nil || !*cond.OpNodeSequencing {
			t.Errorf("conductor: %+v; want a sequencing leader", cond)
		}
		// ready and live judge neither peers nor the conductor.
		expect(t, probe(t, "ready", all...), exitHealthy, nil)
		expect(t, probe(t, "live", all...), exitHealthy, nil)
	})

	t.Run("op-batcher stops: the safe head ages past --max-safe-interval", func(t *testing.T) {
		if err := d.Batcher.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := opstack.WaitFor(c, "the safe head is older than 20s", 90*time.Second, func(c context.Context) (bool, error) {
			st, err := seq.Node.SyncStatus(c)
			return err == nil && time.Since(time.Unix(int64(st.SafeL2.Timestamp), 0)) > 23*time.Second, err
		}); err != nil {
			t.Fatal(err)
		}
		expect(t, probe(t, "health", with(opNode, "--max-safe-interval", "20s")...), exitPartial, map[string]string{"op_node": "safe_stale"})
		// ready and live do not judge the safe head.
		expect(t, probe(t, "ready", with(opNode, "--max-safe-interval", "20s")...), exitHealthy, nil)
		expect(t, probe(t, "live", with(opNode, "--max-safe-interval", "20s")...), exitHealthy, nil)
	})

	t.Run("op-node is killed: unavailable in every mode that asks it", func(t *testing.T) {
		if err := seq.Node.Kill(); err != nil {
			t.Fatal(err)
		}
		expect(t, probe(t, "health", opNode...), exitUnavailable, map[string]string{"op_node": "unreachable"})
		expect(t, probe(t, "ready", opNode...), exitUnavailable, map[string]string{"op_node": "unreachable"})
	})
}
