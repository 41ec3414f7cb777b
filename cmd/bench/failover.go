package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// runFailover is -failover: on the real OP stack's three-sequencer cluster (each sequencer with its
// own builder EL and headprobe serve, each op-conductor reading its sidecar as the recipe does),
// the time from a failure of the leader to a new leader's first block, o.n times each, alternating:
// C1 the leader's builder EL frozen (headprobe's verdict moves leadership), C2 the leader's own
// op-geth frozen (op-conductor's own unsafe-head check moves it). Medians, with the spread.
func (o options) runFailover() (bool, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bin, remove, err := o.releaseBinary()
	if err != nil {
		return false, err
	}
	defer remove()
	bins, err := opstack.Build(ctx, opstack.BuildOptions{Progress: os.Stderr})
	if err != nil {
		return false, err
	}
	var cars []*exec.Cmd
	defer func() {
		for _, c := range cars {
			c.Process.Signal(syscall.SIGTERM)
			c.Wait()
		}
	}()
	sc, err := opstack.NewSidecars(3, func(s *opstack.Sequencer, addr string, peers []string) error {
		cmd := exec.Command(bin, "serve", "--l2", s.EL.HTTPURL, "--builder", s.Builder.EL.HTTPURL,
			"--every", "1s", "--timeout", "1s", "--max-unsafe-interval", "10s", "--conductor-scope", "builder",
			"--conductor-peers", strings.Join(peers, ","), "--listen", addr, "-q")
		if err := cmd.Start(); err != nil {
			return err
		}
		cars = append(cars, cmd)
		return nil
	}, "--rollup-boost.healthcheck-timeout", "1s",
		"--healthcheck.rollup-boost-partial-healthiness-tolerance-limit", "9",
		"--healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds", "20")
	if err != nil {
		return false, err
	}
	start, cancel := context.WithTimeout(ctx, 3*time.Minute)
	d, err := opstack.Start(start, opstack.Options{Binaries: bins, Sequencers: 3, BuilderPerSequencer: true,
		ConductorFlags: sc.ConductorFlags, Progress: io.Discard})
	cancel()
	if err != nil {
		return false, err
	}
	defer d.Close()
	if err := sc.Err(); err != nil {
		return false, err
	}
	parts := []struct {
		id, what string
		part     func(*opstack.Sequencer) *opstack.Proc
		took     []float64
	}{
		{"C1", "the leader's builder EL frozen → a new leader's first block (headprobe serve's verdict)", func(s *opstack.Sequencer) *opstack.Proc { return s.Builder.EL.Proc }, nil},
		{"C2", "the leader's op-geth frozen → a new leader's first block (op-conductor's own unsafe-head check)", func(s *opstack.Sequencer) *opstack.Proc { return s.EL.Proc }, nil},
	}
	for round := range o.n {
		for i := range parts {
			p := &parts[i]
			if err := settled(ctx, d, sc); err != nil {
				return false, fmt.Errorf("%s round %d: %w", p.id, round+1, err)
			}
			f, err := d.MeasureFailover(ctx, p.part, 150*time.Second)
			if f.Old != nil {
				p.part(f.Old).Thaw()
			}
			if err != nil {
				return false, fmt.Errorf("%s round %d: %w", p.id, round+1, err)
			}
			p.took = append(p.took, f.Took.Seconds())
			fmt.Fprintf(os.Stderr, "bench: %s round %d: %s → %s in %.1f s\n", p.id, round+1, f.Old.Name, f.New.Name, f.Took.Seconds())
		}
	}
	m := describeMachine()
	fmt.Fprintf(o.stdout, "machine: %s, %d cores, %s, %s; %s, load %s at the end\n\n", m.CPU, m.Cores, m.Kernel, m.Go, m.Date, loadAvg())
	fmt.Fprintf(o.stdout, "| id | figure | median | min | max | runs |\n|---|---|---|---|---|---|\n")
	for _, p := range parts {
		fmt.Fprintf(o.stdout, "| %s | %s | %.1f s | %.1f s | %.1f s | %d |\n", p.id, p.what, median(p.took), slices.Min(p.took), slices.Max(p.took), len(p.took))
	}
	return true, nil
}

// settled waits until every sidecar answers Healthy, one sequencer leads and sequences, and
// every conductor reports its sequencer healthy: the cluster as a failover finds it.
func settled(ctx context.Context, d *opstack.Devnet, sc *opstack.Sidecars) error {
	return opstack.WaitFor(ctx, "the cluster settles", 180*time.Second, func(ctx context.Context) (bool, error) {
		l := d.Leader(ctx)
		if l == nil {
			return false, nil
		}
		if active, err := l.Node.SequencerActive(ctx); err != nil || !active {
			return false, nil
		}
		for _, s := range d.Sequencers {
			st, err := s.Conductor.Status(ctx)
			if err != nil || !st.SequencerHealthy {
				return false, nil
			}
			if opstack.Says(ctx, sc.URL(s)) != "Healthy" {
				return false, nil
			}
		}
		return true, nil
	})
}
