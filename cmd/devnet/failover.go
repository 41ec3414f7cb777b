package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/opstack"
)

// walkFailover: three sequencers, each with its own builder EL and its own `headprobe serve`
// (run in-process), each op-conductor reading its sidecar's /conductor/healthz
// (--rollup-boost.next-enabled, the recipe of deploy/kubernetes/sequencer-conductor.yaml). The
// leader's builder EL is frozen: its sidecar answers PartialContent, and op-conductor moves
// leadership on headprobe's verdict. The roles are printed before and after.
func walkFailover(ctx context.Context, bins opstack.Binaries) (err error) {
	fmt.Println("op-conductor failing over on headprobe's verdict: three sequencers, each with its own builder EL and headprobe serve.")
	serving, stopServing := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopServing(); wg.Wait() }()
	sc, err := opstack.NewSidecars(3, func(s *opstack.Sequencer, addr string, peers []string) error {
		args := []string{"headprobe", "serve", "--l2", s.EL.HTTPURL, "--builder", s.Builder.EL.HTTPURL, "--every", "1s",
			"--timeout", "1s", "--conductor-scope", "builder", "--conductor-peers", strings.Join(peers, ","), "--listen", addr, "-q"}
		fmt.Printf("   $ %s &   (in process, beside %s's op-conductor)\n", strings.Join(args, " "), s.Name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cli.Run(serving, args, io.Discard, io.Discard)
		}()
		return nil
	}, "--rollup-boost.healthcheck-timeout", "1s",
		"--healthcheck.rollup-boost-partial-healthiness-tolerance-limit", "9",
		"--healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds", "20")
	if err != nil {
		return err
	}
	urls := func(s *opstack.Sequencer) string { return sc.URL(s) }
	flags := sc.ConductorFlags
	d, err := startDevnet(ctx, opstack.Options{Binaries: bins, Sequencers: 3, BuilderPerSequencer: true, ConductorFlags: flags})
	if err != nil {
		return err
	}
	w := &opstackWalk{d: d}
	defer func() { err = w.finish(err) }()
	roles := func(when string) {
		fmt.Printf("   roles %s:", when)
		for _, s := range d.Sequencers {
			st, serr := s.Conductor.Status(ctx)
			role := "follower"
			if serr != nil {
				role = "?"
			} else if st.Leader {
				role = "LEADER"
			}
			fmt.Printf("  %s %s (sidecar %s)", s.Name, role, opstack.Says(ctx, urls(s)))
		}
		fmt.Println()
	}
	w.steps++
	fmt.Printf("%d. Every builder healthy: each sidecar answers Healthy\n", w.steps)
	if err := opstack.WaitFor(ctx, "every sidecar answers Healthy", 60*time.Second, func(ctx context.Context) (bool, error) {
		for _, s := range d.Sequencers {
			if opstack.Says(ctx, urls(s)) != "Healthy" {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return err
	}
	old := d.Leader(ctx)
	if old == nil {
		return fmt.Errorf("no leader")
	}
	roles("before")
	w.steps++
	fmt.Printf("%d. %s's builder EL is frozen (SIGSTOP): its sidecar answers PartialContent, op-conductor hands leadership over\n", w.steps, old.Name)
	f, err := d.MeasureFailover(ctx, func(s *opstack.Sequencer) *opstack.Proc { return s.Builder.EL.Proc }, 150*time.Second)
	if err != nil {
		old.Builder.EL.Thaw()
		return err
	}
	fmt.Printf("   %s leads and built its first block %.1f s after the freeze\n", f.New.Name, f.Took.Seconds())
	roles("after")
	if err := old.Builder.EL.Thaw(); err != nil {
		return err
	}
	w.steps++
	fmt.Printf("%d. %s's builder EL thawed: its sidecar answers Healthy again\n", w.steps, old.Name)
	if err := opstack.WaitFor(ctx, old.Name+"'s sidecar answers Healthy", 30*time.Second, func(ctx context.Context) (bool, error) {
		return opstack.Says(ctx, urls(old)) == "Healthy", nil
	}); err != nil {
		return err
	}
	roles("after the thaw")
	w.steps++
	fmt.Printf("%d. Every builder EL frozen: no sequencer has a better builder, so each sidecar holds its answer at Healthy (--conductor-peers) and leadership stays\n", w.steps)
	defer func() {
		for _, s := range d.Sequencers {
			s.Builder.EL.Thaw()
		}
	}()
	for _, s := range d.Sequencers {
		if err := s.Builder.EL.Freeze(); err != nil {
			return err
		}
	}
	leader := d.Leader(ctx)
	if err := opstack.WaitFor(ctx, "every sidecar holds", 30*time.Second, func(ctx context.Context) (bool, error) {
		for _, s := range d.Sequencers {
			if opstack.Says(ctx, urls(s)+"?local=1") != "PartialContent" || opstack.Says(ctx, urls(s)) != "Healthy" {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return err
	}
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		if l := d.Leader(ctx); l != nil && leader != nil && l != leader {
			return fmt.Errorf("leadership moved from %s to %s with every builder frozen", leader.Name, l.Name)
		}
	}
	roles("30 s later (each sidecar: its own verdict PartialContent at ?local=1, held Healthy for op-conductor)")
	return nil
}
