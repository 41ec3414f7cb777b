package check

import (
	"context"
	"sync"
)

// Target is an endpoint to observe.
type Target struct {
	// Name is L2Name or BuilderName.
	Name string
	// URL is the redacted address, for display only.
	URL string
	// Source fetches the endpoint's head.
	Source Source
	// OnSample, when set, is called after every sample with the observation so far (for progress displays).
	OnSample func(Observation)
	// Previous is where the head last made progress in earlier runs (from a state file), or nil.
	Previous *Mark
	// Remember asks for a Mark in the result even without a previous one, to start a state file.
	Remember bool
}

// Run observes the L2 and, in Health mode, the builder concurrently, then judges them.
// Live takes a single sample whatever cfg.Interval says. builder may be nil.
func Run(ctx context.Context, clock Clock, mode Mode, cfg Config, l2 Target, builder *Target) Result {
	start := clock.Now()
	window := cfg
	if mode == Live {
		window.Interval = 0
	}
	if mode != Health {
		builder = nil
	}
	targets := []Target{l2}
	if builder != nil {
		targets = append(targets, *builder)
	}
	seen := make([]Endpoint, len(targets))
	panics := make([]any, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			o := observeWith(ctx, clock, t.Source, window, t.OnSample)
			if o.Last != nil && (t.Previous != nil || t.Remember) {
				m, stuck := advanceMark(t.Previous, *o.Last, clock.Now(), cfg.MinBlocks)
				o.Mark, o.StuckFor = &m, stuck
			} else if t.Previous != nil {
				o.Mark = t.Previous // no head this time: keep the old mark so the stall keeps counting
			}
			seen[i] = Endpoint{Name: t.Name, URL: t.URL, Observation: o}
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p) // re-raised on the caller's goroutine, where the program's recover turns it into Unknown
		}
	}
	var b *Endpoint
	if builder != nil {
		b = &seen[1]
		if cfg.CheckFork && seen[0].Err == nil && b.Err == nil {
			b.Fork = compareFork(ctx, l2.Source, seen[0].Last, b.Last)
		}
	}
	r := Judge(mode, cfg, seen[0], b)
	r.Start = start
	r.Duration = clock.Now().Sub(start)
	return r
}
