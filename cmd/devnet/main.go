// Command devnet starts a local OP-stack-like pair of real go-ethereum nodes (an L2 sealing 1 s
// blocks and a builder following it, chain id 901, JWT-authenticated Engine-API ports on
// 127.0.0.1), with STAND-INs for op-node's sync status (derived from the L2: op-node needs an L1)
// and rollup-boost's /healthz (rollup-boost's rule applied to the nodes: it is Rust), and walks
// headprobe through its states: healthy → builder stalled → partial → builder resumed → healthy →
// flashblocks stalled → partial → flashblocks resumed → healthy → the L2 builds its own blocks (the
// builder's transaction lands in none) → partial → the builder's blocks land again → healthy → builder stopped, rollup-boost
// answers 206 → partial → builder on a fork → partial → op-node's safe head stalls → partial →
// op-node diverges from the L2 → unavailable → L2 stalled → unavailable.
// With --serve the walk runs against one `headprobe serve` for its whole length instead, and shows
// the HTTP codes of /healthz, /readyz and /livez change. With --keep it then leaves the nodes up
// and prints their endpoints until Ctrl-C.
//
// With --opstack it walks the REAL OP stack instead (internal/opstack: op-geth, op-node,
// op-conductor and op-batcher, built once per version into the user's cache): healthy → the
// builder's EL frozen → thawed → op-batcher stopped → a verifier gone → the single-node deadlock →
// recovered → a 3-sequencer raft cluster failing over → the old leader back → the leader's op-node
// killed. --opstack-build only builds the stack (CI runs it before go test).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/opstack"
)

func main() {
	keep := flag.Bool("keep", false, "after the walk, leave the nodes running (sealing again) and print their endpoints until Ctrl-C")
	period := flag.Duration("period", time.Second, "block period of the L2 (the builder follows it)")
	againstServe := flag.Bool("serve", false, "walk against one `headprobe serve` and show its HTTP codes, instead of one-shot runs")
	real := flag.Bool("opstack", false, "walk the real OP stack (op-geth, op-node, op-conductor, op-batcher), built once per version into the user's cache")
	part := flag.String("opstack-part", "all", "with --opstack: walk all, only the single sequencer (single), only the HA cluster (ha), or only op-conductor failing over on headprobe's verdict (failover)")
	buildOnly := flag.Bool("opstack-build", false, "only build the real OP stack into the user's cache (CI does this before go test)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *real || *buildOnly {
		var err error
		if *buildOnly {
			var bins opstack.Binaries
			if bins, err = opstack.Build(ctx, opstack.BuildOptions{Progress: os.Stdout}); err == nil {
				fmt.Printf("op-geth, op-node, op-conductor and op-batcher are built: %s\n", filepath.Dir(bins.Geth))
			}
		} else {
			err = runOpstack(ctx, *part)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "devnet:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, *period, *keep, *againstServe); err != nil {
		fmt.Fprintln(os.Stderr, "devnet:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, period time.Duration, keep, againstServe bool) error {
	dir, err := os.MkdirTemp("", "headprobe-devnet")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	net, err := devnet.Start(devnet.Options{Period: period, Dir: dir})
	if err != nil {
		return err
	}
	defer net.Close()
	fmt.Printf("Started an L2 (go-ethereum, %s blocks, chain id %d) and a builder following it, Engine-API ports with the JWT secret %s\n\n", period, chainID, net.JWTSecretFile)
	// Each block the builder "wins" carries its transaction, as op-rbuilder's do; the fallback
	// step turns that off (the L2 builds its own blocks).
	net.L2.SetBuilderWins(true)
	fmt.Printf("The builder STAND-IN wins every L2 block: each carries a transaction from its key %s (as op-rbuilder's --rollup.builder-secret-key)\n\n", devnet.BuilderAddress.Hex())
	if err := waitForBlock(ctx, net.L2, net.Builder); err != nil {
		return err
	}
	rb, err := devnet.StartRollupBoost(net, devnet.RollupBoostOptions{})
	if err != nil {
		return err
	}
	defer rb.Close()
	fmt.Printf("Started a STAND-IN for rollup-boost's /healthz at %s: it is not rollup-boost (Rust, not runnable here), it applies rollup-boost's rule (health.rs) to these two nodes\n\n", rb.URL)

	// The builder's flashblocks: five per block, as op-rbuilder's 200 ms in 1 s blocks.
	flash, err := devnet.StartFlashblocks(net.Builder, devnet.FlashblocksOptions{Every: period / 5})
	if err != nil {
		return err
	}
	defer flash.Close()
	op, err := devnet.StartOpNode(net.L2)
	if err != nil {
		return err
	}
	defer op.Close()
	fmt.Printf("Started an op-node STAND-IN at %s: not op-node (that needs an L1), but its optimism_syncStatus and opp2p_peerStats\n"+
		"derived from the L2: unsafe = the L2's head, safe %d blocks behind; the walk stalls its safe head and makes it diverge.\n\n", op.URL(), devnet.DefaultSafeLag)

	// The safe head is DefaultSafeLag blocks behind: --max-safe-interval leaves room for that, and
	// the walk starts once the safe head is past the genesis (as old as the walk).
	maxSafe := max(2*time.Second, (6 * period).Round(time.Second))
	if err := waitForSafe(ctx, op); err != nil {
		return err
	}
	// The flashblocks gap is the period, but at least 400 ms: on fast blocks under load (-race) the
	// builder's next block, and so its first flashblock, comes late.
	w := walk{net: net, window: 2 * period, flash: flash, gap: max(period, 400*time.Millisecond), opNode: op, maxSafe: maxSafe}
	fork := &forked{ctx: ctx, net: net, period: period}
	defer fork.close()
	var srv *served
	if againstServe {
		if srv, err = startServed(ctx, w); err != nil {
			return err
		}
		defer srv.close()
		fmt.Println()
	}
	steps := []struct {
		title  string
		before func() error
		want   check.State
		// rollupBoost probes the L2 and the rollup-boost stand-in, without the builder.
		rollupBoost bool
	}{
		{"The L2 seals a block every period; the builder imports each one", nil, check.Healthy, false},
		{"The builder stalls: it still answers, but its head stops moving", stall(net.Builder), check.Partial, false},
		{"The builder resumes: it catches up and follows again", resume(net.Builder), check.Healthy, false},
		{"The builder's flashblocks stream stalls: blocks are sealed, no flashblock comes", stallFlashblocks(flash), check.Partial, false},
		{"The flashblocks stream resumes: the next block's flashblocks come again", resumeFlashblocks(flash), check.Healthy, false},
		{"rollup-boost falls back to the L2's own blocks: the builder is fresh, yet none of its blocks lands",
			ownBlocks(ctx, net.L2, false), check.Partial, false},
		{"rollup-boost uses the builder's blocks again: its transaction is in the L2's next block",
			ownBlocks(ctx, net.L2, true), check.Healthy, false},
		{"The builder stops; rollup-boost (the STAND-IN, applying rollup-boost's rule) answers 206 Partial Content, and headprobe asks it, not the builder", stop(net.Builder), check.Partial, true},
		{"Another builder on the same genesis builds blocks of its own: a fork", restartThen(net.Builder, fork.start), check.Partial, false},
		{"op-node's safe head stalls (stand-in): blocks are built, none is made safe (the batcher or L1 is failing)",
			func() error { fork.close(); return stallSafe(ctx, op, maxSafe) }, check.Partial, false},
		{"op-node diverges from the L2 (stand-in): its unsafe head is not the L2's block",
			func() error { op.ResumeSafe(); op.Diverge(true); return nil }, check.Unavailable, false},
		{"The L2 stalls: no blocks are being built", func() error { op.Diverge(false); net.L2.Stall(); return nil }, check.Unavailable, false},
	}
	failed := 0
	for i, s := range steps {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fmt.Printf("%d. %s\n", i+1, s.title)
		if s.before != nil {
			if err := s.before(); err != nil {
				return err
			}
		}
		builder := net.Builder
		if fork.node != nil {
			builder = fork.node
		}
		var code int
		if srv != nil {
			if s.rollupBoost {
				fmt.Println("   (serve keeps the command line it started with: it asks the builder, which is down, not rollup-boost)")
			}
			srv.use(builder)
			// A change shows within a window and a period; the rest is slack for a loaded machine.
			code = srv.await(ctx, s.want, 3*w.window+5*time.Second).ExitCode()
		} else if s.rollupBoost {
			code = w.probe(ctx, nil, "--rollup-boost", rb.URL)
		} else {
			code = w.probe(ctx, builder)
		}
		mark := "as expected"
		if code != s.want.ExitCode() {
			mark = fmt.Sprintf("UNEXPECTED: want exit %d (%s)", s.want.ExitCode(), s.want)
			failed++
		}
		fmt.Printf("   → exit %d (%s), %s\n\n", code, stateOf(code), mark)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d steps gave an unexpected verdict", failed, len(steps))
	}
	fmt.Println("The walk is complete: healthy → partial → healthy → partial (flashblocks) → healthy → partial (builder's blocks not landing) → healthy → partial (rollup-boost's stand-in) → partial (fork) → partial (op-node stand-in) → unavailable (op-node stand-in) → unavailable.")
	if srv != nil {
		if code := srv.close(); code != 0 {
			return fmt.Errorf("headprobe serve exited %d at the end of its context, want 0", code)
		}
		fmt.Println("headprobe serve exited 0 at the end of its context (SIGTERM's path).")
	}
	fork.close()
	if keep {
		net.L2.Resume()
		return serve(ctx, net, flash, op)
	}
	return nil
}

// stateOf is the state whose exit code is code.
func stateOf(code int) check.State {
	for _, s := range []check.State{check.Healthy, check.Partial, check.Unavailable} {
		if s.ExitCode() == code {
			return s
		}
	}
	return check.Unknown
}

// stall returns a step that stalls n.
func stall(n *devnet.Node) func() error {
	return func() error { n.Stall(); return nil }
}

// stop returns a step that stops n: its ports refuse connections.
func stop(n *devnet.Node) func() error {
	return func() error { return n.Stop() }
}

// restartThen returns a step that restarts n (it follows again), then runs next.
func restartThen(n *devnet.Node, next func() error) func() error {
	return func() error {
		if err := n.Restart(); err != nil {
			return err
		}
		return next()
	}
}

// resume returns a step that resumes n.
func resume(n *devnet.Node) func() error {
	return func() error { n.Resume(); return nil }
}

// stallFlashblocks returns a step that stalls the flashblocks publisher.
func stallFlashblocks(f *devnet.Flashblocks) func() error {
	return func() error { f.Stall(); return nil }
}

// resumeFlashblocks returns a step that resumes the flashblocks publisher, brotli-compressed from
// then on, as rollup-boost's websocket-proxy sends them.
func resumeFlashblocks(f *devnet.Flashblocks) func() error {
	return func() error { f.Compress(true); f.Resume(); return nil }
}

// ownBlocks returns a step that makes the builder win the L2's blocks (wins) or not, and waits
// until the L2's last builderBlocks blocks (wins: its newest) were sealed so.
func ownBlocks(ctx context.Context, l2 *devnet.Node, wins bool) func() error {
	return func() error {
		l2.SetBuilderWins(wins)
		start, _, _ := l2.Head()
		want := start + builderBlocks
		if wins {
			want = start + 1
		}
		deadline := time.Now().Add(30 * time.Second)
		for number, _, _ := l2.Head(); number < want; number, _, _ = l2.Head() {
			if time.Now().After(deadline) {
				return fmt.Errorf("the L2 did not reach #%d within 30s", want)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
		return nil
	}
}

// stallSafe stalls the stand-in's safe head and waits until it is older than maxSafe.
func stallSafe(ctx context.Context, op *devnet.OpNode, maxSafe time.Duration) error {
	op.StallSafe()
	deadline := time.Now().Add(maxSafe + 5*time.Second)
	for {
		_, ts, err := op.SafeHead()
		if err != nil {
			return err
		}
		if age := time.Now().Unix() - int64(ts); age > int64(maxSafe/time.Second) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the stand-in's safe head did not get older than %s", maxSafe)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitForSafe waits until the stand-in's safe head is past the genesis.
func waitForSafe(ctx context.Context, op *devnet.OpNode) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		number, _, err := op.SafeHead()
		if err != nil || number > 0 {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the stand-in's safe head did not leave the genesis within 30s")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitForBlock waits until every node has sealed its first block.
func waitForBlock(ctx context.Context, nodes ...*devnet.Node) error {
	deadline := time.Now().Add(30 * time.Second)
	for _, n := range nodes {
		for number, _, _ := n.Head(); number == 0; number, _, _ = n.Head() {
			if time.Now().After(deadline) {
				return fmt.Errorf("no block sealed within 30s")
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

// serve prints the endpoints and waits for Ctrl-C.
func serve(ctx context.Context, net *devnet.Net, flash *devnet.Flashblocks, op *devnet.OpNode) error {
	fmt.Printf("\nThe nodes keep running (the L2 sealing, the builder following it). Try headprobe against them:\n")
	fmt.Printf("  L2       HTTP %s   Engine API %s\n", net.L2.HTTPURL(), net.L2.AuthURL())
	fmt.Printf("  builder  HTTP %s   Engine API %s\n", net.Builder.HTTPURL(), net.Builder.AuthURL())
	fmt.Printf("  flashblocks %s\n", flash.URL())
	fmt.Printf("  op-node  STAND-IN %s (sync status derived from the L2; not op-node)\n", op.URL())
	fmt.Printf("  JWT secret file: %s\n\n", filepath.Clean(net.JWTSecretFile))
	fmt.Printf("  go run . --l2 %s --l2-jwt-secret %s --builder %s --builder-jwt-secret %s \\\n      --chain-id %d --max-builder-lag 5 --check-fork --flashblocks %s\n\n",
		net.L2.AuthURL(), net.JWTSecretFile, net.Builder.AuthURL(), net.JWTSecretFile, chainID, flash.URL())
	fmt.Printf("  go run . --l2 %s --l2-jwt-secret %s --op-node %s \\\n      --max-safe-interval 20m --min-peers 1\n\n",
		net.L2.AuthURL(), net.JWTSecretFile, op.URL())
	fmt.Println("Ctrl-C stops them.")
	<-ctx.Done()
	return nil
}
