// Package rollupboost judges rollup-boost by its own verdict, GET /healthz on its RPC port, and
// its execution mode, debug_getExecutionMode on its debug server, beside headprobe's own verdict
// on the L2 and the builder (crates/rollup-boost/src/health.rs, probe.rs, debug_api.rs).
package rollupboost

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Part is rollup-boost as a check.Part: /healthz, the execution mode, or both.
type Part struct {
	// Healthz fetches /healthz; nil without --rollup-boost.
	Healthz *rpc.Getter
	// Debug is the debug server's client; nil without --rollup-boost-debug.
	Debug *rpc.Client
	// URL and DebugURL are the redacted addresses, for display.
	URL, DebugURL string
	// L2 and Builder are the roles of the execution client and the builder rollup-boost stands
	// between (the registry's), whose verdicts /healthz is compared with.
	L2, Builder check.Role
}

// Waived is why a builder's failure does not count when rollup-boost runs with the builder
// disabled.
const Waived = "rollup-boost's execution mode is disabled: it does not use the builder (rollup-boost #292)"

// lagNote ends a disagreement: a follower's /healthz is refreshed only by the background loop.
const lagNote = "rollup-boost refreshes a follower's health only every health_check_interval (60 s by default), so it can lag"

// Role is rollup-boost's role (package var Role).
func (p *Part) Role() check.Role { return Role }

// Observe asks /healthz and the execution mode, concurrently, within the run's bound.
func (p *Part) Observe(ctx context.Context, _ check.Clock, _ check.Config, _ *check.Heads) check.Sighting {
	s := &sighting{Detail: Detail{URL: p.URL, DebugURL: p.DebugURL}, l2: p.L2, builder: p.Builder}
	var wg sync.WaitGroup
	if p.Debug != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Mode, s.ModeErr = FetchMode(ctx, p.Debug)
		}()
	}
	if p.Healthz != nil {
		a, err := FetchHealthz(ctx, p.Healthz)
		s.Status, s.Err = a.Status, err
	}
	wg.Wait()
	return s
}

// Close releases the connections.
func (p *Part) Close() error {
	if p.Healthz != nil {
		p.Healthz.Close()
	}
	if p.Debug != nil {
		p.Debug.Close()
	}
	return nil
}

// sighting is what one run saw of rollup-boost.
type sighting struct {
	Detail
	l2, builder check.Role
}

// Judge, in order: with the execution mode disabled, the builder's failure is waived; /healthz
// unanswered or answering another status → Unavailable (unreachable); 503 → Unavailable
// (rollup_boost_unavailable); 206 → Partial (rollup_boost_partial) in a mode that judges the
// builder, a note otherwise; the execution mode unknown → Partial (unreachable) in a mode that
// judges the builder. A disagreement with headprobe's verdict on the L2 or the builder is a note.
func (s *sighting) Judge(mode check.Mode, _ check.Config, r *check.Result) check.Finding {
	d := s.Detail
	d.Agrees = nil
	f := check.Finding{Role: Role, Detail: &d}
	judgesBuilder := s.builder.JudgedIn(mode)
	disabled := d.ModeErr == nil && d.Mode == Disabled
	if b := r.Endpoint(s.builder.Name); b != nil && disabled {
		b.Waived = Waived
	}
	var notes []string
	switch {
	case d.URL == "":
	case d.Err != nil:
		f.Cause, f.Reason = check.CauseUnreachable, fmt.Sprintf("/healthz: %s: op-node's Engine API calls go through rollup-boost, so no blocks are built", d.Err)
	case d.Status == http.StatusServiceUnavailable:
		f.Cause, f.Reason = CauseUnavailable, "reports 503 Service Unavailable: the L2 is not building blocks, as rollup-boost sees it"
	case d.Status == http.StatusPartialContent && judgesBuilder:
		f.Cause, f.Failure, f.Reason = CausePartial, check.Partial, "reports 206 Partial Content: its builder is not building"
	case d.Status == http.StatusPartialContent:
		notes = append(notes, fmt.Sprintf("reports 206 Partial Content: its builder is not building (%s does not judge the builder)", mode))
	}
	if d.ModeErr != nil {
		why := fmt.Sprintf("debug API: %s: the execution mode is unknown, so the builder counts", d.ModeErr)
		if rpc.MethodNotFound(d.ModeErr) {
			why = fmt.Sprintf("debug API: %s (this version may not have %s): the execution mode is unknown, so the builder counts", d.ModeErr, ModeMethod)
		}
		if f.Cause == "" && judgesBuilder {
			f.Cause, f.Failure, f.Reason = check.CauseUnreachable, check.Partial, why
		} else {
			notes = append(notes, why)
		}
	}
	if f.Cause == "" {
		f.Reason = okReason(d)
	}
	if d.URL != "" && d.Err == nil {
		why := s.disagreement(r, d, judgesBuilder && !disabled)
		agrees := why == ""
		d.Agrees = &agrees
		if !agrees {
			notes = append(notes, why+"; "+lagNote)
		}
	}
	f.Note = strings.Join(notes, "; ")
	return f
}

// okReason is what a passing rollup-boost saw.
func okReason(d Detail) string {
	var parts []string
	if d.URL != "" {
		parts = append(parts, fmt.Sprintf("reports %d %s", d.Status, http.StatusText(d.Status)))
	}
	switch d.Mode {
	case "":
	case Disabled:
		parts = append(parts, "execution mode disabled: the builder's verdict does not count")
	default:
		parts = append(parts, "execution mode "+string(d.Mode))
	}
	return strings.Join(parts, ", ")
}

// disagreement says how /healthz's answer differs from headprobe's verdict on the L2 and, when
// builder, on the builder; "" when they agree.
func (s *sighting) disagreement(r *check.Result, d Detail, builder bool) string {
	var out []string
	if l2 := r.Endpoint(s.l2.Name); l2 != nil {
		building := d.Status != http.StatusServiceUnavailable
		switch {
		case building && !l2.OK:
			out = append(out, fmt.Sprintf("rollup-boost says the L2 is building (%d) while headprobe's L2 check fails (%s)", d.Status, l2.Cause))
		case !building && l2.OK:
			out = append(out, "rollup-boost says the L2 is not building (503) while headprobe's L2 check passes")
		}
	}
	if b := r.Endpoint(s.builder.Name); builder && b != nil && d.Status != http.StatusServiceUnavailable {
		building := d.Status == http.StatusOK
		switch {
		case building && !b.OK:
			out = append(out, fmt.Sprintf("rollup-boost says the builder is building (200) while headprobe's builder check fails (%s)", b.Cause))
		case !building && b.OK:
			out = append(out, "rollup-boost says the builder is not building (206) while headprobe's builder check passes")
		}
	}
	return strings.Join(out, "; ")
}
