package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
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
	urls := map[string]string{}
	flags := func(s *opstack.Sequencer) []string {
		ln, lerr := net.Listen("tcp", "127.0.0.1:0")
		if lerr != nil {
			return nil
		}
		addr := ln.Addr().String()
		ln.Close()
		args := []string{"headprobe", "serve", "--l2", s.EL.HTTPURL, "--builder", s.Builder.EL.HTTPURL, "--every", "1s",
			"--timeout", "1s", "--conductor-scope", "builder", "--listen", addr, "-q"}
		fmt.Printf("   $ %s &   (in process, beside %s's op-conductor)\n", strings.Join(args, " "), s.Name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cli.Run(serving, args, io.Discard, io.Discard)
		}()
		urls[s.Name] = "http://" + addr + "/conductor/healthz"
		return []string{"--rollup-boost.next-enabled", "--rollup-boost.next-healthcheck-url", urls[s.Name],
			"--rollup-boost.healthcheck-timeout", "1s",
			"--healthcheck.rollup-boost-partial-healthiness-tolerance-limit", "9",
			"--healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds", "20"}
	}
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
			fmt.Printf("  %s %s (sidecar %s)", s.Name, role, sidecarSays(ctx, urls[s.Name]))
		}
		fmt.Println()
	}
	w.steps++
	fmt.Printf("%d. Every builder healthy: each sidecar answers Healthy\n", w.steps)
	if err := opstack.WaitFor(ctx, "every sidecar answers Healthy", 60*time.Second, func(ctx context.Context) (bool, error) {
		for _, s := range d.Sequencers {
			if sidecarSays(ctx, urls[s.Name]) != "Healthy" {
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
	if err := old.Builder.EL.Freeze(); err != nil {
		return err
	}
	start := time.Now()
	var leader *opstack.Sequencer
	if err := opstack.WaitFor(ctx, "leadership moves on headprobe's verdict", 150*time.Second, func(ctx context.Context) (bool, error) {
		l := d.Leader(ctx)
		if l == nil || l == old {
			return false, nil
		}
		active, aerr := l.Node.SequencerActive(ctx)
		if aerr == nil && active {
			leader = l
		}
		return leader != nil, nil
	}); err != nil {
		old.Builder.EL.Thaw()
		return err
	}
	fmt.Printf("   leadership moved to %s %s after the freeze\n", leader.Name, time.Since(start).Round(100*time.Millisecond))
	roles("after")
	if err := old.Builder.EL.Thaw(); err != nil {
		return err
	}
	w.steps++
	fmt.Printf("%d. %s's builder EL thawed: its sidecar answers Healthy again\n", w.steps, old.Name)
	if err := opstack.WaitFor(ctx, old.Name+"'s sidecar answers Healthy", 30*time.Second, func(ctx context.Context) (bool, error) {
		return sidecarSays(ctx, urls[old.Name]) == "Healthy", nil
	}); err != nil {
		return err
	}
	roles("after the thaw")
	return nil
}

// sidecarSays is the rollup_boost_health a sidecar answers, or what went wrong.
func sidecarSays(ctx context.Context, url string) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "unreachable"
	}
	defer resp.Body.Close()
	var a struct {
		Health string `json:"rollup_boost_health"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&a) != nil || resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return a.Health
}
