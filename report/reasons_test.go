package report

import (
	"errors"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/execution"
)

// TestHeadline_SaysWhyInEnglish is where the verdict's English is tested, once for each cause and
// each healthy summary; check's own tests assert the causes.
func TestHeadline_SaysWhyInEnglish(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	at := func(n uint64) *check.Head {
		return &check.Head{Number: n, Hash: common.BigToHash(new(big.Int).SetUint64(n)), Timestamp: uint64(now.Unix()) - 1}
	}
	seen := func(role check.Role, o check.Observation) check.Endpoint {
		if o.Last == nil && o.Err == nil {
			o.Last = at(100)
		}
		if o.First == nil {
			o.First = o.Last
		}
		if o.Samples == 0 {
			o.Samples = 1
		}
		return check.Endpoint{Role: role, Observation: o}
	}
	l2 := func(o check.Observation) check.Endpoint { return seen(execution.L2, o) }
	builder := func(o check.Observation) check.Endpoint { return seen(execution.Builder, o) }
	withChain := func(h *check.Head, id uint64) *check.Head { h.ChainID, h.ChainIDKnown = id, true; return h }
	oneShot := check.Config{MaxAge: 10 * time.Second}
	windowed := check.Config{MaxAge: 10 * time.Second, Interval: time.Second, MinBlocks: 3}
	fork := &check.Fork{Number: 100, Hash: common.HexToHash("0x469d00000000000000000000000000000000000000000000000000000000aaaa"),
		AgainstHash: common.HexToHash("0x834f00000000000000000000000000000000000000000000000000000000b938")}
	for _, tc := range []struct {
		name      string
		mode      check.Mode
		cfg       check.Config
		seen      []check.Endpoint
		relations []check.Relation
		want      string
	}{
		{"Healthy", check.Health, oneShot, []check.Endpoint{l2(check.Observation{Age: time.Second}), builder(check.Observation{Age: time.Second})}, nil,
			"HEALTHY: l2 head #100 is 1s old, builder head #100 is 1s old"},
		{"HealthyWithProgress", check.Ready, windowed, []check.Endpoint{l2(check.Observation{Age: time.Second, Samples: 4, Progress: 3, Window: 300 * time.Millisecond})}, nil,
			"HEALTHY: l2 head #100 is 1s old, +3 in 300ms"},
		{"ProgressNotJudged", check.Ready, windowed, []check.Endpoint{l2(check.Observation{Age: time.Second, Window: 1200 * time.Millisecond})}, nil,
			"HEALTHY: l2 head #100 is 1s old, progress not judged: one sample in the window"},
		{"Live", check.Live, oneShot, []check.Endpoint{l2(check.Observation{Age: time.Hour})}, nil,
			"HEALTHY: l2 answers with head #100"},
		{"Unreachable", check.Health, oneShot, []check.Endpoint{l2(check.Observation{Err: errors.New("connection refused")})}, nil,
			"UNAVAILABLE: l2 connection refused"},
		{"NoHead", check.Health, oneShot, []check.Endpoint{{Role: execution.L2}}, nil,
			"UNAVAILABLE: l2 no head observed"},
		{"WrongChain", check.Health, check.Config{ChainID: 901}, []check.Endpoint{l2(check.Observation{Last: withChain(at(100), 10)})}, nil,
			"UNAVAILABLE: l2 chain id 10 (want 901)"},
		{"ClockSkew", check.Health, check.Config{MaxClockSkew: 30 * time.Second}, []check.Endpoint{l2(check.Observation{Ahead: time.Hour, AheadSeconds: 3600})}, nil,
			"UNAVAILABLE: l2 head #100 is stamped 1h0m0s in the future (max skew 30s): this host's or the node's clock is wrong"},
		{"ClockSkewBeyondADuration", check.Health, check.Config{MaxClockSkew: 30 * time.Second}, []check.Endpoint{l2(check.Observation{Ahead: math.MaxInt64, AheadSeconds: math.MaxUint64})}, nil,
			"UNAVAILABLE: l2 head #100 is stamped 18446744073709551615s in the future (max skew 30s): this host's or the node's clock is wrong"},
		{"Stale", check.Health, oneShot, []check.Endpoint{l2(check.Observation{Age: time.Second}), builder(check.Observation{Age: 37 * time.Second})}, nil,
			"PARTIAL: builder head #100 is 37s old (max 10s)"},
		{"BothFail_L2First", check.Health, oneShot, []check.Endpoint{l2(check.Observation{Age: time.Minute}), builder(check.Observation{Err: errors.New("timeout")})}, nil,
			"UNAVAILABLE: l2 head #100 is 1m0s old (max 10s); builder timeout"},
		{"StuckAcrossRuns", check.Ready, check.Config{MaxStall: 2 * time.Second}, []check.Endpoint{l2(check.Observation{StuckFor: 2400 * time.Millisecond})}, nil,
			"UNAVAILABLE: l2 head stuck at #100 for 2.4s across runs (max 2s)"},
		{"StuckAcrossRunsCoarse", check.Ready, check.Config{MaxStall: 20 * time.Second}, []check.Endpoint{l2(check.Observation{StuckFor: 90500 * time.Millisecond})}, nil,
			"UNAVAILABLE: l2 head stuck at #100 for 1m30s across runs (max 20s)"},
		{"Stuck", check.Ready, windowed, []check.Endpoint{l2(check.Observation{Samples: 11, Window: time.Second})}, nil,
			"UNAVAILABLE: l2 head stuck at #100 for 1s (want +3)"},
		{"TooSlow", check.Ready, windowed, []check.Endpoint{l2(check.Observation{Samples: 11, Progress: 2, Window: time.Second})}, nil,
			"UNAVAILABLE: l2 head advanced 2 of 3 blocks in 1s, at #100"},
		{"StuckAfterAReorg", check.Ready, windowed, []check.Endpoint{l2(check.Observation{Samples: 11, Window: time.Second, Reorg: &check.Reorg{From: *at(101), To: *at(99)}})}, nil,
			"UNAVAILABLE: l2 head went back from #101 to #99 (reorg); head stuck at #100 for 1s (want +3)"},
		{"StuckAfterAReplacedBlock", check.Ready, windowed, []check.Endpoint{l2(check.Observation{Samples: 11, Window: time.Second, Reorg: &check.Reorg{From: *at(100), To: *at(100)}})}, nil,
			"UNAVAILABLE: l2 block #100 replaced (reorg); head stuck at #100 for 1s (want +3)"},
		{"BuilderOnAnotherChain", check.Health, oneShot, []check.Endpoint{l2(check.Observation{Last: withChain(at(100), 901)}), builder(check.Observation{Last: withChain(at(100), 10)})},
			execution.Relations(nil, false), "PARTIAL: builder chain id 10 differs from the L2's 901"},
		{"BuilderBehind", check.Health, oneShot, []check.Endpoint{l2(check.Observation{Last: at(110)}), builder(check.Observation{})},
			execution.Relations(&[]uint64{3}[0], false), "PARTIAL: builder head #100 is 10 blocks behind the L2's #110 (max 3)"},
		{"BuilderForked", check.Health, oneShot, []check.Endpoint{l2(check.Observation{}), func() check.Endpoint { e := builder(check.Observation{}); e.Fork = fork; return e }()},
			execution.Relations(nil, true), "PARTIAL: builder on a fork at #100: builder 0x469d…aaaa, L2 0x834f…b938"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Headline(check.Judge(tc.mode, tc.cfg, tc.seen, tc.relations)); got != tc.want {
				t.Errorf("headline\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
