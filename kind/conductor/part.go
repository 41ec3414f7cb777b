// Package conductor judges op-conductor (optimism's op-conductor/rpc/api.go): this node's role in
// the HA cluster, whether the conductor is paused or stopped, its own health view, and, with
// op-node's admin API, whether op-node's sequencing matches the role.
package conductor

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Part is op-conductor as a check.Part.
type Part struct {
	// Client is the conductor's RPC client.
	Client *rpc.Client
	// URL is its redacted address.
	URL string
	// Sequencing, when set, asks op-node whether it is sequencing (admin_sequencerActive).
	Sequencing Sequencing
}

// Role is the conductor's role (package var Role).
func (p *Part) Role() check.Role { return Role }

// Observe sends the conductor's batch and asks op-node, concurrently, within the run's bound.
func (p *Part) Observe(ctx context.Context, _ check.Clock, _ check.Config, _ *check.Heads) check.Sighting {
	s := &sighting{Detail: Detail{URL: p.URL}}
	var wg sync.WaitGroup
	if p.Sequencing != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			active, err := p.Sequencing.SequencerActive(ctx)
			if s.SequencingErr = err; err == nil {
				s.Sequencing = &active
			}
		}()
	}
	s.Status, s.Err = Fetch(ctx, p.Client)
	wg.Wait()
	return s
}

// Close releases the connections.
func (p *Part) Close() error {
	p.Client.Close()
	if c, ok := p.Sequencing.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// sighting is what one run saw of op-conductor.
type sighting struct{ Detail }

// Judge, in order: the conductor unreachable or answering badly → Partial (unreachable); leader
// while op-node is not sequencing → Unavailable (leader_not_sequencing); follower while op-node
// is sequencing → Unavailable (two_sequencers); stopped → Partial (conductor_stopped); paused →
// Partial (conductor_paused), as real op-conductor is right after bootstrap: either way failover
// is off. op-node's admin API not enabled, and the conductor's health view differing from
// headprobe's verdict, are notes.
func (s *sighting) Judge(_ check.Mode, _ check.Config, r *check.Result) check.Finding {
	d := s.Detail
	f := check.Finding{Role: Role, Detail: &d}
	var notes []string
	switch {
	case d.SequencingErr == nil:
	case rpc.MethodNotFound(d.SequencingErr):
		notes = append(notes, "op-node's admin API is not enabled (--rpc.enable-admin): whether it sequences is not checked")
	default:
		notes = append(notes, fmt.Sprintf("op-node's %s: %s: whether it sequences is not checked", SequencerActiveMethod, d.SequencingErr))
	}
	switch {
	case d.Err != nil:
		f.Cause, f.Reason = check.CauseUnreachable, fmt.Sprintf("%s: failover cannot be watched and may be off (blocks are still built)", d.Err)
	case d.Sequencing != nil && d.Status.Leader && !*d.Sequencing:
		f.Cause, f.Failure = CauseLeaderNotSequencing, check.Unavailable
		// What to do leads the reason: op-conductor does not restart the sequencer itself (its
		// deadlock after op-geth or op-node stalled, opstack.md; optimism #22143).
		f.Reason = "leads, but op-node is not sequencing (admin_sequencerActive false), so no blocks are built: call admin_startSequencer on op-node"
		if d.Status.Paused {
			f.Reason += ", then conductor_resume"
		}
	case d.Sequencing != nil && !d.Status.Leader && *d.Sequencing:
		f.Cause, f.Failure = CauseTwoSequencers, check.Unavailable
		f.Reason = "follows, but op-node is sequencing: two active sequencers"
	case d.Status.Stopped:
		f.Cause = CauseStopped
		f.Reason = fmt.Sprintf("%s, stopped (conductor_stopped): failover is off until op-conductor is restarted (blocks are still built)", d.Role())
	case d.Status.Paused:
		f.Cause = CausePaused
		f.Reason = fmt.Sprintf("%s, paused (conductor_paused): failover is off until conductor_resume (blocks are still built)", d.Role())
	default:
		f.Reason = d.summary()
	}
	if d.Err == nil {
		if why := disagreement(r, d.Status.SequencerHealthy); why != "" {
			notes = append(notes, why)
		}
	}
	f.Note = strings.Join(notes, "; ")
	return f
}

// disagreement says how op-conductor's health view differs from headprobe's verdict so far (the
// endpoints and the parts judged before it); "" when they agree.
func disagreement(r *check.Result, healthy bool) string {
	passing := true
	for i := range r.Endpoints {
		if e := &r.Endpoints[i]; !e.OK && e.Waived == "" {
			passing = false
		}
	}
	for _, f := range r.Parts {
		passing = passing && f.OK()
	}
	switch {
	case !healthy && passing:
		return "op-conductor's health monitor says the sequencer is unhealthy while headprobe's checks pass (it may check what headprobe does not: op-node's peers, its safe head)"
	case healthy && !passing:
		return "op-conductor's health monitor says the sequencer is healthy while headprobe's checks fail: it will not fail over"
	}
	return ""
}
