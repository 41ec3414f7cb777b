package check

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// benchNow is the benchmarks' wall clock: a whole second, so that ages are exact.
var benchNow = time.Unix(1_750_000_000, 0)

// benchClock is a Clock that never moves and whose After fires at once: nothing sleeps.
type benchClock struct{}

func (benchClock) Now() time.Time { return benchNow }

func (benchClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- benchNow
	return ch
}

// benchSource answers every request with the same head, as a loopback node would between blocks.
type benchSource struct{ head Head }

func (s benchSource) Head(context.Context) (Head, error) { return s.head, nil }

// benchHead is block n, one second old, on OP devnet chain 901.
func benchHead(n uint64) Head {
	return Head{Number: n, Hash: common.BigToHash(new(big.Int).SetUint64(n)), Timestamp: uint64(benchNow.Unix()) - 1, ChainID: 901}
}

// BenchmarkJudge is the verdict on a typical one-shot health run: L2 and builder fresh, one sample each.
func BenchmarkJudge(b *testing.B) {
	cfg := Config{MaxAge: 10 * time.Second}
	seen := func(name string, n uint64) Endpoint {
		h := benchHead(n)
		return Endpoint{Role: roleNamed(name), URL: "http://127.0.0.1:8551", Observation: Observation{
			First: &h, Last: &h, Samples: 1, Age: time.Second, Window: 0, Latency: 1200 * time.Microsecond,
		}}
	}
	endpoints := []Endpoint{seen("l2", 1271), seen("builder", 1271)} // as Run hands them over
	if r := Judge(Health, cfg, endpoints, pairRelations); r.State != Healthy {
		b.Fatalf("state %s: %s", r.State, r.Reason)
	}
	b.ReportAllocs()
	for b.Loop() {
		Judge(Health, cfg, endpoints, pairRelations)
	}
}

// BenchmarkObserveOneSample is the observation of one endpoint with --interval 0: one request, recorded.
func BenchmarkObserveOneSample(b *testing.B) {
	ctx, src, cfg := context.Background(), benchSource{head: benchHead(1271)}, Config{MaxAge: 10 * time.Second}
	if o := Observe(ctx, benchClock{}, src, cfg); o.Samples != 1 || o.Last == nil || o.Age != time.Second {
		b.Fatalf("observation %+v", o)
	}
	b.ReportAllocs()
	for b.Loop() {
		Observe(ctx, benchClock{}, src, cfg)
	}
}

// NewTicker is not used by check.
func (benchClock) NewTicker(time.Duration) Ticker { panic("benchClock: no ticker in check") }
