package check

import (
	"context"
	"sync"

	"github.com/headprobe/headprobe/internal/stack"
)

// Target is an endpoint to observe.
type Target struct {
	// Role is what the endpoint is; its Name names the endpoint.
	Role Role
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

// Run observes, concurrently, each target and each part whose role the mode judges, makes the
// relations' fetches (the fork check's block) and judges them. Targets are given in role order, one
// per role; Live takes a single sample whatever cfg.Interval says. The parts see the targets'
// heads as they arrive.
func Run(ctx context.Context, clock Clock, mode Mode, cfg Config, targets []Target, relations []Relation, parts ...Part) Result {
	start := clock.Now()
	window := cfg
	if mode == Live {
		window.Interval = 0
	}
	var judged []Target
	for _, t := range targets {
		if t.Role.JudgedIn(mode) {
			judged = append(judged, t)
		}
	}
	var observed []Part
	for _, p := range parts {
		if p.Role().JudgedIn(mode) {
			observed = append(observed, p)
		}
	}
	seen := make([]Endpoint, len(judged))
	sightings := make([]Sighting, len(observed))
	panics := make([]any, len(judged)+len(observed))
	heads := NewHeads()
	var wg sync.WaitGroup
	for i, p := range observed {
		wg.Add(1)
		go func() {
			stack.Reserve() // a source or part calls deep, through its transport
			defer wg.Done()
			defer func() { panics[len(judged)+i] = recover() }()
			sightings[i] = p.Observe(ctx, clock, window, heads)
		}()
	}
	for i, t := range judged {
		wg.Add(1)
		go func() {
			stack.Reserve() // a source or part calls deep, through its transport
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			onSample := t.OnSample
			if len(observed) > 0 {
				onSample = func(o Observation) {
					heads.Set(t.Role.Name, *o.Last)
					if t.OnSample != nil {
						t.OnSample(o)
					}
				}
			}
			o := observeWith(ctx, clock, t.Source, window, onSample)
			if len(observed) > 0 {
				heads.End(t.Role.Name)
			}
			if o.Last != nil && (t.Previous != nil || t.Remember) {
				m, stuck := advanceMark(t.Previous, *o.Last, clock.Now(), cfg.MinBlocks)
				o.Mark, o.StuckFor = &m, stuck
			} else if t.Previous != nil {
				o.Mark = t.Previous // no head this time: keep the old mark so the stall keeps counting
			}
			seen[i] = Endpoint{Role: t.Role, URL: t.URL, Observation: o}
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p) // re-raised on the caller's goroutine, where the program's recover turns it into Unknown
		}
	}
	for _, rel := range relations {
		of, against := indexOf(judged, rel.Of), indexOf(judged, rel.Against)
		if of >= 0 && against >= 0 {
			rel.fetch(ctx, &seen[of], seen[against], judged[of].Source, judged[against].Source)
		}
	}
	r := Judge(mode, cfg, seen, relations, sightings...)
	r.Start = start
	r.Duration = clock.Now().Sub(start)
	return r
}

// indexOf is the index of the target of that role, or -1.
func indexOf(targets []Target, role Role) int {
	for i, t := range targets {
		if t.Role.Name == role.Name {
			return i
		}
	}
	return -1
}
