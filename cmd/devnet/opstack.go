package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/opstack"
)

// opstackMaxSafe is the walk's --max-safe-interval on the real stack: the batcher lands a batch
// about every 6 L2 blocks, so the safe head's age swings between ~14 and ~25 s
// (../shared/opstack.md); less than ~30 s flaps.
const opstackMaxSafe = 45 * time.Second

// opstackWalk is the walk on the real OP stack (--opstack): the probes run in-process through
// cli.Run, and each prints the command it runs.
type opstackWalk struct {
	d      *opstack.Devnet
	failed int
	steps  int
}

// runOpstack builds the stack (once per version), then walks the single-sequencer devnet, the
// 3-sequencer HA devnet and op-conductor failing over on headprobe's verdict through their states. Every process is stopped by its PID and every data
// dir removed on return, Ctrl-C included; the logs' tails are printed when a step fails.
func runOpstack(ctx context.Context, part string) error {
	if part != "all" && part != "single" && part != "ha" && part != "failover" {
		return fmt.Errorf("--opstack-part: %q is none of all, single, ha, failover", part)
	}
	bins, err := opstack.Build(ctx, opstack.BuildOptions{Progress: os.Stdout})
	if err != nil {
		return err
	}
	if part == "all" || part == "single" {
		if err := walkSingle(ctx, bins); err != nil {
			return err
		}
	}
	if part == "all" || part == "ha" {
		if err := walkHA(ctx, bins); err != nil {
			return err
		}
	}
	if part == "all" || part == "failover" {
		if err := walkFailover(ctx, bins); err != nil {
			return err
		}
	}
	return nil
}

// startDevnet starts a devnet and says what runs.
func startDevnet(ctx context.Context, opts opstack.Options) (*opstack.Devnet, error) {
	opts.Progress = os.Stdout
	d, err := opstack.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	fmt.Printf("\nReal processes (op-geth and geth %s, op-node, op-conductor and op-batcher %s), data in %s:\n", opstack.OpGethVersion, opstack.OptimismVersion, d.Dir)
	for _, p := range d.Procs() {
		fmt.Printf("  %-24s pid %d\n", p.Name, p.PID())
	}
	fmt.Printf("Up in %s.\n\n", d.Ready.Round(100*time.Millisecond))
	return d, nil
}

// walkSingle: one sequencer (op-geth, op-node, op-conductor), two verifiers (verifier-1's op-geth
// is the builder's EL stand-in), op-batcher.
func walkSingle(ctx context.Context, bins opstack.Binaries) (err error) {
	d, err := startDevnet(ctx, opstack.Options{Binaries: bins})
	if err != nil {
		return err
	}
	w := &opstackWalk{d: d}
	defer func() { err = w.finish(err) }()
	seq, builder, gone := d.Sequencers[0], d.Verifiers[0], d.Verifiers[1]
	if err := d.WaitSafeAdvance(ctx, 90*time.Second); err != nil {
		return err
	}
	flags := []string{
		"--l2", seq.EL.AuthURL, "--l2-jwt-secret", d.JWTSecretFile,
		"--builder", builder.EL.AuthURL, "--builder-jwt-secret", d.JWTSecretFile,
		"--op-node", seq.Node.URL, "--conductor", seq.Conductor.URL,
		"--max-safe-interval", opstackMaxSafe.String(), "--min-peers", "2", "--chain-id", strconv.Itoa(opstack.L2ChainID),
	}
	steps := []struct {
		title  string
		before func() error
		want   check.State
	}{
		{"The sequencer builds a block every 2 s; the conductor leads; verifier-1 (the builder's EL stand-in) and verifier-2 follow; op-batcher makes blocks safe", nil, check.Healthy},
		{"The builder's EL (verifier-1's op-geth) is frozen with SIGSTOP: it keeps its ports and answers nothing",
			func() error { return builder.EL.Freeze() }, check.Partial},
		{"The builder's EL is thawed with SIGCONT and catches up",
			func() error {
				if err := builder.EL.Thaw(); err != nil {
					return err
				}
				return d.WaitFollowing(ctx, builder, seq, 90*time.Second)
			}, check.Healthy},
		{"op-batcher is stopped: blocks are built, none is made safe (waits until the safe head is older than " + opstackMaxSafe.String() + ")",
			func() error {
				if err := d.Batcher.Kill(); err != nil {
					return err
				}
				// headprobe's age is in whole seconds: a margin past the threshold.
				return waitSafeAge(ctx, seq, func(age time.Duration) bool { return age > opstackMaxSafe+3*time.Second }, opstackMaxSafe+60*time.Second)
			}, check.Partial},
		{"op-batcher is back (the safe head is fresh again); verifier-2's op-node is stopped: the sequencer's op-node has 1 peer, --min-peers is 2 (op-conductor's minimum is 1, so it keeps sequencing)",
			func() error {
				if err := d.Batcher.Restart(); err != nil {
					return err
				}
				if err := waitSafeAge(ctx, seq, func(age time.Duration) bool { return age < opstackMaxSafe-10*time.Second }, 120*time.Second); err != nil {
					return err
				}
				if err := gone.Node.Stop(); err != nil {
					return err
				}
				return opstack.WaitFor(ctx, "the sequencer's op-node has 1 peer", 60*time.Second, func(ctx context.Context) (bool, error) {
					n, err := seq.Node.Peers(ctx)
					return err == nil && n == 1, err
				})
			}, check.Partial},
		{"The single-node deadlock: the sequencer's op-geth is frozen until op-conductor finds it unhealthy and stops the sequencer, then thawed. op-geth answers again, the conductor still leads, op-node stays stopped: nobody builds blocks until an operator calls admin_startSequencer",
			func() error { return d.Deadlock(ctx, seq) }, check.Unavailable},
	}
	for _, s := range steps {
		if err := w.step(ctx, s.title, s.before, s.want, flags); err != nil {
			return err
		}
	}
	fmt.Printf("   (recovery, as the first line says: admin_startSequencer on %s)\n", seq.Node.URL)
	if err := d.StartSequencing(ctx, seq); err != nil {
		return err
	}
	return w.step(ctx, "After admin_startSequencer the chain moves again (verifier-2 back, so --min-peers 2 holds)", func() error {
		if err := gone.Node.Restart(); err != nil {
			return err
		}
		return opstack.WaitFor(ctx, "fresh head and 2 peers", 90*time.Second, func(ctx context.Context) (bool, error) {
			n, err := seq.Node.Peers(ctx)
			if err != nil || n < 2 {
				return false, err
			}
			st, err := seq.Node.SyncStatus(ctx)
			return err == nil && time.Since(time.Unix(int64(st.UnsafeL2.Timestamp), 0)) < 5*time.Second, err
		})
	}, check.Healthy, flags)
}

// waitSafeAge waits until the age of s's safe head satisfies ok.
func waitSafeAge(ctx context.Context, s *opstack.Sequencer, ok func(time.Duration) bool, bound time.Duration) error {
	return opstack.WaitFor(ctx, "the safe head's age", bound, func(ctx context.Context) (bool, error) {
		st, err := s.Node.SyncStatus(ctx)
		return err == nil && ok(time.Since(time.Unix(int64(st.SafeL2.Timestamp), 0))), err
	})
}

// walkHA: three sequencers in one raft cluster, op-batcher.
func walkHA(ctx context.Context, bins opstack.Binaries) (err error) {
	fmt.Println("The HA variant: three sequencers (op-geth, op-node, op-conductor each) in one raft cluster.")
	d, err := startDevnet(ctx, opstack.Options{Binaries: bins, Sequencers: 3})
	if err != nil {
		return err
	}
	w := &opstackWalk{d: d}
	defer func() { err = w.finish(err) }()
	targets := filepath.Join(d.Dir, "targets.yaml")
	var yaml strings.Builder
	fmt.Fprintf(&yaml, "defaults:\n  l2-jwt-secret: %s\n  chain-id: %d\ntargets:\n", d.JWTSecretFile, opstack.L2ChainID)
	for _, s := range d.Sequencers {
		fmt.Fprintf(&yaml, "  %s:\n    l2: %s\n    op-node: %s\n    conductor: %s\n", s.Name, s.EL.AuthURL, s.Node.URL, s.Conductor.URL)
	}
	if err := os.WriteFile(targets, []byte(yaml.String()), 0o644); err != nil {
		return err
	}
	old := d.Leader(ctx)
	if old == nil {
		return fmt.Errorf("no leader in the HA cluster")
	}
	if err := w.fleet(ctx, "Three sequencers; "+old.Name+" leads and sequences, the others follow", targets, map[string]check.State{
		"seq-a": check.Healthy, "seq-b": check.Healthy, "seq-c": check.Healthy}); err != nil {
		return err
	}
	var leader *opstack.Sequencer
	if err := old.EL.Freeze(); err != nil {
		return err
	}
	fmt.Printf("   (%s's op-geth frozen with SIGSTOP; waiting for leadership to move)\n", old.Name)
	start := time.Now()
	if err := opstack.WaitFor(ctx, "leadership moves and the new leader sequences", 120*time.Second, func(ctx context.Context) (bool, error) {
		l := d.Leader(ctx)
		if l == nil || l == old {
			return false, nil
		}
		active, err := l.Node.SequencerActive(ctx)
		if err == nil && active {
			leader = l
		}
		return leader != nil, err
	}); err != nil {
		return err
	}
	fmt.Printf("   (leadership moved to %s after %s)\n", leader.Name, time.Since(start).Round(100*time.Millisecond))
	if err := opstack.WaitFor(ctx, leader.Name+"'s head is fresh again", 60*time.Second, func(ctx context.Context) (bool, error) {
		_, ts, err := leader.EL.Head(ctx)
		return err == nil && time.Since(time.Unix(int64(ts), 0)) < 4*time.Second, err
	}); err != nil {
		return err
	}
	want := map[string]check.State{old.Name: check.Unavailable, leader.Name: check.Healthy}
	if err := w.fleet(ctx, "The leader's op-geth is frozen: op-conductor hands leadership over; "+old.Name+" is unavailable, "+leader.Name+" leads and is healthy", targets, want); err != nil {
		return err
	}
	if err := old.EL.Thaw(); err != nil {
		return err
	}
	flags := func(s *opstack.Sequencer) []string {
		return []string{"--l2", s.EL.AuthURL, "--l2-jwt-secret", d.JWTSecretFile, "--op-node", s.Node.URL,
			"--conductor", s.Conductor.URL, "--chain-id", strconv.Itoa(opstack.L2ChainID)}
	}
	if err := w.step(ctx, "The old leader's op-geth is thawed: it catches up and follows", func() error {
		return opstack.WaitFor(ctx, old.Name+" catches up", 90*time.Second, func(ctx context.Context) (bool, error) {
			_, ts, err := old.EL.Head(ctx)
			return err == nil && time.Since(time.Unix(int64(ts), 0)) < 5*time.Second, err
		})
	}, check.Healthy, flags(old)); err != nil {
		return err
	}
	return w.step(ctx, "The leader's op-node ("+leader.Name+") is killed: its RPC refuses; the conductor hands leadership over", func() error {
		return leader.Node.Kill()
	}, check.Unavailable, flags(leader))
}

// step runs before, then probes with flags and compares the exit code with want.
func (w *opstackWalk) step(ctx context.Context, title string, before func() error, want check.State, flags []string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	w.steps++
	fmt.Printf("%d. %s\n", w.steps, title)
	if before != nil {
		if err := before(); err != nil {
			return err
		}
	}
	code := runProbe(ctx, append([]string{"headprobe", "health"}, flags...), true)
	if ctx.Err() != nil { // Ctrl-C during the probe: its "interrupted" is no verdict
		return ctx.Err()
	}
	w.mark(code, want)
	return nil
}

// fleet runs one --targets probe over the sequencers, then each target's JSON, and compares
// each target's state with want (targets not in want are not judged).
func (w *opstackWalk) fleet(ctx context.Context, title, targets string, want map[string]check.State) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	w.steps++
	fmt.Printf("%d. %s\n", w.steps, title)
	args := []string{"headprobe", "health", "--targets", targets, "-o", "json"}
	fmt.Printf("   $ %s\n", strings.Join(args, " "))
	var out, errOut bytes.Buffer
	code := cli.Run(ctx, args, &out, &errOut)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	states, err := targetStates(out.Bytes())
	if err != nil {
		return fmt.Errorf("--targets -o json: %w\n%s%s", err, out.String(), errOut.String())
	}
	for _, name := range []string{"seq-a", "seq-b", "seq-c"} {
		st := states[name]
		mark := ""
		if wantState, ok := want[name]; ok {
			mark = "as expected"
			if st.status != wantState.String() {
				mark = fmt.Sprintf("UNEXPECTED: want %s", wantState)
				w.failed++
			}
		}
		fmt.Printf("   %s: %s — %s  %s\n", name, st.status, st.reason, mark)
	}
	fmt.Printf("   → exit %d (the fleet's worst)\n\n", code)
	return nil
}

// targetState is one target's status and reason in a --targets JSON document.
type targetState struct{ status, reason string }

// targetStates reads the per-target status of a --targets -o json answer: an array of documents.
func targetStates(doc []byte) (map[string]targetState, error) {
	var fleet []struct {
		Target string `json:"target"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(doc, &fleet); err != nil {
		return nil, err
	}
	out := map[string]targetState{}
	for _, t := range fleet {
		out[t.Target] = targetState{t.Status, t.Reason}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no targets in the answer")
	}
	return out, nil
}

// runProbe prints the command, runs it in-process and prints its output (indented); it returns
// the exit code.
func runProbe(ctx context.Context, args []string, show bool) int {
	fmt.Printf("   $ %s\n", strings.Join(args, " "))
	var out, errOut bytes.Buffer
	code := cli.Run(ctx, args, &out, &errOut)
	if show {
		for _, line := range strings.Split(strings.TrimRight(out.String()+errOut.String(), "\n"), "\n") {
			fmt.Printf("   %s\n", line)
		}
	}
	return code
}

// mark prints the verdict against the expected state.
func (w *opstackWalk) mark(code int, want check.State) {
	mark := "as expected"
	if code != want.ExitCode() {
		mark = fmt.Sprintf("UNEXPECTED: want exit %d (%s)", want.ExitCode(), want)
		w.failed++
	}
	fmt.Printf("   → exit %d (%s), %s\n\n", code, stateOf(code), mark)
}

// finish stops the devnet; on an error or an unexpected verdict it first prints the logs' tails.
func (w *opstackWalk) finish(err error) error {
	if err == nil && w.failed > 0 {
		err = fmt.Errorf("%d of %d steps gave an unexpected verdict", w.failed, w.steps)
	}
	if err != nil && !errors.Is(err, context.Canceled) { // Ctrl-C is no failure
		fmt.Fprintf(os.Stderr, "\nThe logs' last lines:\n%s", w.d.LogTails(30))
		if dir, serr := w.d.SaveLogs(); serr == nil {
			fmt.Fprintf(os.Stderr, "The whole logs are kept in %s\n", dir)
		}
	}
	if cerr := w.d.Close(); cerr != nil && err == nil {
		err = cerr
	}
	fmt.Printf("Stopped every process by its PID and removed %s.\n\n", w.d.Dir)
	return err
}
