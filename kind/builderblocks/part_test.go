package builderblocks

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/rollupboost"
)

// l2 is a fake L2 source answering its head, or err.
type l2 struct {
	number uint64
	err    error
}

func (s l2) Head(context.Context) (check.Head, error) {
	if s.err != nil {
		return check.Head{}, s.err
	}
	return check.Head{Number: s.number, Hash: common.HexToHash(hashOf(s.number)), Timestamp: now}, nil
}

// fixedClock stands still at now.
type fixedClock struct{ check.SystemClock }

func (fixedClock) Now() time.Time { return time.Unix(now, 0) }

var judged = check.Config{MaxAge: 10 * time.Second, MinBlocks: 1}

// run is one health run of the L2 at head (or failing with err) and the part over c.
func run(t *testing.T, mode check.Mode, p *Part, head uint64, err error, parts ...check.Part) check.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	targets := []check.Target{{Role: execution.L2, Source: l2{number: head, err: err}}}
	return check.Run(ctx, fixedClock{}, mode, judged, targets, nil, append(parts, p)...)
}

func finding(t *testing.T, r check.Result) check.Finding {
	t.Helper()
	for _, f := range r.Parts {
		if f.Role.Name == Role.Name {
			return f
		}
	}
	t.Fatalf("no %s finding: %s", Role.Name, r.Reason)
	return check.Finding{}
}

func opts(window, min uint64) Options {
	return Options{Marks: Marks{Signer: signer}, Window: window, Min: min, Against: execution.L2}
}

func TestBuilderBlocks_Verdicts(t *testing.T) {
	for _, tc := range []struct {
		name          string
		chain         *chain
		head          uint64
		window, min   uint64
		state         check.State
		cause         check.Cause
		reason, notes []string
	}{
		{"NineOfTen_IsHealthy", builtChain(100, now, 91, 92, 93, 94, 95, 96, 97, 98, 100), 100, 10, 1, check.Healthy, "",
			[]string{"builder-blocks landed 9/10 (#91–#100)", "the last #100 0s ago"}, nil},
		{"OneOfTen_IsEnoughByDefault", builtChain(100, now, 91), 100, 10, 1, check.Healthy, "", []string{"landed 1/10", "the last #91 9s ago"}, nil},
		{"NoneOfTen_IsPartial", builtChain(100, now, 80), 100, 10, 1, check.Partial, CauseMissing,
			[]string{"PARTIAL", "builder-blocks no L2 block of the last 10 came from the builder; none seen since headprobe started"}, nil},
		{"ThreeOfTen_BelowMin_IsPartial", builtChain(100, now, 92, 96, 99), 100, 10, 5, check.Partial, CauseMissing,
			[]string{"3 of the L2's last 10 blocks came from the builder (min 5); the last one was #99, 1s ago"}, nil},
		{"YoungChain_MinLoweredToItsBlocks", builtChain(3, now, 1, 2, 3), 3, 10, 5, check.Healthy, "", []string{"landed 3/3 (#1–#3)", "only 3 blocks after the genesis"}, nil},
		{"YoungChain_NoneLanded_IsPartial", builtChain(3, now), 3, 10, 1, check.Partial, CauseMissing,
			[]string{"no L2 block of the last 3 came from the builder (only 3 blocks after the genesis)"}, nil},
		{"AtGenesis_NothingToCount", builtChain(0, now), 0, 10, 1, check.Healthy, "", []string{"nothing to count: no block after the genesis yet"}, nil},
		{"MinZero_ShowsWithoutJudging", builtChain(100, now), 100, 10, 0, check.Healthy, "", []string{"builder-blocks landed 0/10"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(tc.chain, opts(tc.window, tc.min))
			r := run(t, check.Health, p, tc.head, nil)
			f := finding(t, r)
			if r.State != tc.state || f.Cause != tc.cause {
				t.Fatalf("state %s cause %q (%s), want %s %q", r.State, f.Cause, r.Reason, tc.state, tc.cause)
			}
			line := strings.ToUpper(r.State.String()) + ": " + r.Reason
			for _, want := range tc.reason {
				if !strings.Contains(line, want) {
					t.Errorf("%q lacks %q", line, want)
				}
			}
			for _, want := range tc.notes {
				if !strings.Contains(f.Note, want) {
					t.Errorf("note %q lacks %q", f.Note, want)
				}
			}
		})
	}
}

// watch and serve keep the part: once the builder's blocks stop, the reason names the last one
// seen by an earlier check, with its age now.
func TestBuilderBlocks_NamesTheLastLandedOfAnEarlierCheck(t *testing.T) {
	c := builtChain(100, now-20, 95)
	p := New(c, opts(10, 1))
	if f := finding(t, run(t, check.Health, p, 100, nil)); !f.OK() {
		t.Fatalf("first check: %s", f.Reason)
	}
	c2 := builtChain(120, now, 95) // twenty blocks later, none from the builder since #95
	p.client = c2
	r := run(t, check.Health, p, 120, nil)
	if f := finding(t, r); f.Cause != CauseMissing || !strings.Contains(f.Reason, "no L2 block of the last 10 came from the builder; the last one was #95, 25s ago") {
		t.Errorf("%s %q", f.Cause, f.Reason)
	}
	d := finding(t, r).Detail.(*Detail)
	if d.Last == nil || d.Last.Number != 95 || d.LastAge != 25*time.Second {
		t.Errorf("detail last %+v age %s", d.Last, d.LastAge)
	}
}

func TestBuilderBlocks_WindowUnread_IsPartialUnreachable(t *testing.T) {
	r := run(t, check.Health, New(failing{}, opts(10, 1)), 100, nil)
	f := finding(t, r)
	if r.State != check.Partial || f.Cause != check.CauseUnreachable || !strings.Contains(f.Reason, "not counted: the L2's last 10 blocks: eth_getBlockByNumber: JSON-RPC error -32000: header not found") {
		t.Errorf("%s %s %q", r.State, f.Cause, f.Reason)
	}
}

// With --min-builder-blocks 0 the count is shown and never fails the run, an unread window neither.
func TestBuilderBlocks_MinZero_UnreadWindowIsANote(t *testing.T) {
	r := run(t, check.Health, New(failing{}, opts(10, 0)), 100, nil)
	f := finding(t, r)
	if r.State != check.Healthy || !f.OK() || !strings.Contains(f.Note, "header not found (not judged: --min-builder-blocks 0)") {
		t.Errorf("%s %q note %q", r.State, f.Reason, f.Note)
	}
}

// The L2 gives no head: the part says so at once, without waiting for the run's deadline, and
// asks nothing.
func TestBuilderBlocks_L2WithoutHead_NothingAsked(t *testing.T) {
	c := builtChain(100, now, 100)
	start := time.Now()
	r := run(t, check.Health, New(c, opts(10, 1)), 0, errors.New("connection refused"))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s: the part waited for the run's deadline", d)
	}
	f := finding(t, r)
	if r.State != check.Unavailable || f.Cause != check.CauseUnreachable || f.Reason != "not counted: the L2 gave no head" || c.batches != 0 {
		t.Errorf("%s %s %q, %d batches", r.State, f.Cause, f.Reason, c.batches)
	}
}

// ready and live do not judge the builder's blocks: the part is not observed, nothing is asked.
func TestBuilderBlocks_ReadyAndLive_AskNothing(t *testing.T) {
	for _, mode := range []check.Mode{check.Ready, check.Live} {
		c := builtChain(100, now)
		r := run(t, mode, New(c, opts(10, 1)), 100, nil)
		if r.State != check.Healthy || len(r.Parts) != 0 || c.batches != 0 {
			t.Errorf("%s: %s with %d findings, %d batches; want healthy, none, none", mode, r.State, len(r.Parts), c.batches)
		}
	}
}

// rollupBoostSaying is a part standing for rollup-boost's finding with its execution mode.
type rollupBoostSaying struct{ mode rollupboost.Mode }

func (p rollupBoostSaying) Role() check.Role { return rollupboost.Role }
func (p rollupBoostSaying) Observe(context.Context, check.Clock, check.Config, *check.Heads) check.Sighting {
	return p
}
func (p rollupBoostSaying) Judge(check.Mode, check.Config, *check.Result) check.Finding {
	return check.Finding{Role: rollupboost.Role, Reason: "execution mode " + string(p.mode), Detail: &rollupboost.Detail{Mode: p.mode}}
}

// With rollup-boost's execution mode disabled no builder block is expected: the missing blocks
// are shown and waived; enabled, they count.
func TestBuilderBlocks_WaivedWhenRollupBoostIsDisabled(t *testing.T) {
	for mode, want := range map[rollupboost.Mode]check.State{rollupboost.Disabled: check.Healthy, rollupboost.Enabled: check.Partial, rollupboost.DryRun: check.Partial} {
		r := run(t, check.Health, New(builtChain(100, now), opts(10, 1)), 100, nil, rollupBoostSaying{mode})
		f := finding(t, r)
		if r.State != want {
			t.Errorf("%s: %s (%s), want %s", mode, r.State, r.Reason, want)
		}
		if mode == rollupboost.Disabled && (!strings.Contains(f.Reason, "(not counted: "+rollupboost.Waived+")") || f.Detail.(*Detail).Doc().(Doc).Waived == "") {
			t.Errorf("%s: reason %q does not say it is waived", mode, f.Reason)
		}
	}
}
