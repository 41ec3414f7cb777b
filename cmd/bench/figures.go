package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"
)

// figure is one budgeted measurement of issues #5, #10 and #13 (serve).
type figure struct {
	ID     string
	What   string
	Unit   string  // "×" (a ratio), "MB" (10^6 bytes), "s" or "ms"
	Budget float64 // 0: shown for reference, not judged
}

// sameWithin is the budget of B1–B3: "no regression" within what this measurement resolves. Two
// identical builds compared this way (-baseline HEAD, 60 runs, on the README's machine) gave
// medians of 0.98–1.02×.
const sameWithin = 1.03

// baseline is whether f compares with the -baseline build (B1–B4): it runs only with one.
func (f figure) baseline() bool { return strings.HasPrefix(f.ID, "B") }

var figures = []figure{
	{"F0", "the floor program (cmd/bench/floor: go-ethereum rpc only, one batch per endpoint): CPU per run", "ms", 0},
	{"F1", "CPU (user + sys) per probe / the floor program, interleaved", "×", 1.1},
	{"F1i", "instructions of `health -q --l2 U --builder U` / the floor program's, each counted by valgrind --tool=callgrind (issue #19)", "×", 2.6},
	{"P1", "one-shot `health` (L2 + builder) wall time / `curl -s` (one endpoint), interleaved", "×", 1.0},
	{"P2", "peak RSS of that probe (rusage maxrss)", "MB", 13},
	{"P3", "stripped static binary size (grpc-health-probe v0.4: 14.1 MB)", "MB", 14.1},
	{"P4", "CPU (user + sys) per probe / that same curl, same runs", "×", 1.0},
	{"P5", "healthy chain, 1 s blocks, `--interval 10s`: time to verdict", "s", 1.5},
	{"P6", "refused ports: time to verdict", "ms", 50},
	{"P7", "accepts and never answers, `--timeout 1s`: wall time", "s", 1.1},
	{"P8", "both endpoints answer after 300 ms: wall time / 300 ms", "×", 1.2},
	{"S1", "`serve`: its own CPU per `GET /healthz` (10,000 requests, /proc/PID/stat) / CPU of one exec'd `health`", "×", 0.02},
	{"S2", "`serve` under `wrk -t1 -c50 -d10s --latency` on `/healthz`: p99 latency (any error fails it)", "ms", 2},
	{"S2R", "`serve`: RSS growth over that wrk run, after a 2 s warm-up at the same load", "MB", 2},
	{"S3", "`serve` soak, 100,000 checks on a fake clock (SERVE_SOAK_CHECKS=100000 go test ./serve/ -run Soak): live heap growth", "MB", 1},
	{"L1", "one-shot `health` with `--builder-signer` (10 full blocks in one batch) / without it, same endpoints: CPU, interleaved", "×", 1.3},
	// A probe that uses no new flag must not cost more than the -baseline build's (issue #11).
	{"B1", "CPU (user + sys) per probe / the baseline build's, same command, interleaved", "×", sameWithin},
	{"B2", "wall time per probe / the baseline build's, interleaved", "×", sameWithin},
	{"B3", "peak RSS / the baseline build's, interleaved", "×", sameWithin},
	{"B4", "stripped static binary size / the baseline build's", "×", 1.0},
}

// result is what measuring a figure gave: one value per run, or an error.
type result struct {
	values []float64
	note   string
	err    error
}

// bench holds the binary, its environment and the loopback endpoints every figure runs against.
type bench struct {
	n         int
	bin, curl string
	// baseBin is the probe built at baseRev (-baseline), for the B figures; "" without one.
	baseBin, baseRev string
	floorBin         string   // the floor program of F0 and F1 (cmd/bench/floor), built like the probe
	env              []string // the probe's environment
	chain            *chain
	// l2 and builder serve the chain at once; slowL2 and slowBuilder after slowDelay.
	l2, builder, slowL2, slowBuilder *rpcServer
	hang                             *blackhole
	refusedL2, refusedBuilder        string
}

// slowDelay is how long the slow endpoints of P8 take to answer.
const slowDelay = 300 * time.Millisecond

func (b *bench) probe(args ...string) (sample, error) { return run(b.env, b.bin, args...) }

// series runs the probe n times with args, expecting exit code want; before, when set, runs
// ahead of each run and after, when set, after it (an error from after ends the series).
func (b *bench) series(want int, before func(), after func(sample) error, args ...string) ([]sample, error) {
	if _, err := b.probe(args...); err != nil { // warm-up: page cache, first-connection costs
		return nil, err
	}
	var out []sample
	for range b.n {
		if before != nil {
			before()
		}
		s, err := b.probe(args...)
		if err == nil {
			err = expect(s, want, "headprobe")
		}
		if err != nil {
			return nil, err
		}
		if after != nil {
			if err := after(s); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// oneShot measures F0, F1, P1, P2 and P4 from the same runs: the probe, curl and the floor
// program alternate, A B C A B C …, and each ratio is taken within its group. Without curl or
// the floor (not asked for) the probe runs with what is left, or alone (only P2 asked for).
func (b *bench) oneShot(withCurl, withFloor bool) map[string]result {
	args := []string{"health", "--l2", b.l2.URL, "--builder", b.builder.URL}
	curlArgs := []string{"-s", "--noproxy", "*", "-H", "Content-Type: application/json", "--data", headRequest, b.l2.URL}
	floorArgs := []string{b.l2.URL, b.builder.URL}
	var walls, cpus, rss, curlRSS, pWall, cWall, pCPU, cCPU, conns []float64
	var floorRatios, floorCPU, floorRSS []float64
	var baseCPU, baseWall, baseRSS, basePeak, baseFloor, baseCurlWall, baseCurlCPU []float64
	fail := func(err error) map[string]result {
		return map[string]result{"F0": {err: err}, "F1": {err: err}, "P1": {err: err}, "P2": {err: err}, "P4": {err: err}}
	}
	baseline := func(bin, what string, args ...string) (sample, error) {
		s, err := run(b.env, bin, args...)
		if err == nil {
			err = expect(s, 0, what)
		}
		return s, err
	}
	if withCurl {
		if _, err := run(b.env, b.curl, curlArgs...); err != nil {
			return fail(err)
		}
	}
	if withFloor {
		if _, err := baseline(b.floorBin, "floor", floorArgs...); err != nil {
			return fail(err)
		}
	}
	withBase := b.baseBin != ""
	if withBase {
		if _, err := baseline(b.baseBin, "the baseline build", args...); err != nil {
			return fail(err)
		}
	}
	// The baseline build runs right before the probe in one group and right after it in the
	// next (A B B A …), so that neither gains from its place in the order.
	var base sample
	var baseErr error
	group := 0
	_, err := b.series(0, func() {
		if withBase && group%2 == 1 {
			base, baseErr = baseline(b.baseBin, "the baseline build", args...)
		}
		b.l2.reset()
		b.builder.reset()
	}, func(p sample) error {
		group++
		rss = append(rss, float64(p.MaxRSS)/1e6)
		conns = append(conns, float64(max(b.l2.conns.Load(), b.builder.conns.Load())))
		pCPU = append(pCPU, ms(p.CPU))
		if withBase {
			if group%2 == 1 {
				base, baseErr = baseline(b.baseBin, "the baseline build", args...)
			}
			if baseErr != nil {
				return baseErr
			}
			baseCPU = append(baseCPU, float64(p.CPU)/float64(max(base.CPU, time.Microsecond)))
			baseWall = append(baseWall, float64(p.Wall)/float64(base.Wall))
			baseRSS = append(baseRSS, float64(p.MaxRSS)/float64(max(base.MaxRSS, 1)))
			basePeak = append(basePeak, float64(base.MaxRSS)/1e6)
		}
		if withCurl {
			c, err := baseline(b.curl, "curl", curlArgs...)
			if err != nil {
				return err
			}
			walls = append(walls, float64(p.Wall)/float64(c.Wall))
			cpus = append(cpus, float64(p.CPU)/float64(max(c.CPU, time.Microsecond)))
			pWall, cWall = append(pWall, ms(p.Wall)), append(cWall, ms(c.Wall))
			cCPU = append(cCPU, ms(c.CPU))
			curlRSS = append(curlRSS, float64(c.MaxRSS)/1e6)
			if withBase {
				baseCurlWall = append(baseCurlWall, float64(base.Wall)/float64(c.Wall))
				baseCurlCPU = append(baseCurlCPU, float64(base.CPU)/float64(max(c.CPU, time.Microsecond)))
			}
		}
		if withFloor {
			f, err := baseline(b.floorBin, "floor", floorArgs...)
			if err != nil {
				return err
			}
			floorRatios = append(floorRatios, float64(p.CPU)/float64(max(f.CPU, time.Microsecond)))
			floorCPU = append(floorCPU, ms(f.CPU))
			floorRSS = append(floorRSS, float64(f.MaxRSS)/1e6)
			if withBase {
				baseFloor = append(baseFloor, float64(base.CPU)/float64(max(f.CPU, time.Microsecond)))
			}
		}
		return nil
	}, args...)
	if err != nil {
		return fail(err)
	}
	rssNote := fmt.Sprintf("measurement floor %.2f MB (`true`)", b.floor())
	if withFloor {
		rssNote = fmt.Sprintf("floor program %.2f MB; %s", median(floorRSS), rssNote)
	}
	if withCurl {
		rssNote = fmt.Sprintf("curl %.2f MB; %s", median(curlRSS), rssNote)
	}
	out := map[string]result{"P2": {values: rss, note: rssNote}}
	if withCurl {
		out["P1"] = result{values: walls, note: fmt.Sprintf("probe %.1f ms, curl %.1f ms; %.0f connection per endpoint (max %.0f)",
			median(pWall), median(cWall), median(conns), slices.Max(conns))}
		out["P4"] = result{values: cpus, note: fmt.Sprintf("probe %.1f ms, curl %.1f ms", median(pCPU), median(cCPU))}
	}
	if withFloor {
		size := "?"
		if fi, err := os.Stat(b.floorBin); err == nil {
			size = fmt.Sprintf("%.2f MB (%d bytes)", float64(fi.Size())/1e6, fi.Size())
		}
		out["F0"] = result{values: floorCPU, note: fmt.Sprintf("binary %s; peak RSS %.2f MB", size, median(floorRSS))}
		out["F1"] = result{values: floorRatios, note: fmt.Sprintf("probe %.1f ms, floor %.1f ms", median(pCPU), median(floorCPU))}
	}
	if withBase {
		// The baseline's own F1, P1 and P4, from the same runs of the floor and curl.
		also := func(id string, xs []float64) {
			if r, ok := out[id]; ok && len(xs) > 0 {
				r.note += fmt.Sprintf("; baseline %s: %s", b.baseRev, format(median(xs), "×"))
				out[id] = r
			}
		}
		also("F1", baseFloor)
		also("P1", baseCurlWall)
		also("P4", baseCurlCPU)
		if r, ok := out["P2"]; ok && len(basePeak) > 0 {
			r.note += fmt.Sprintf("; baseline %s: %s", b.baseRev, format(median(basePeak), "MB"))
			out["P2"] = r
		}
		out["B1"] = result{values: baseCPU}
		out["B2"] = result{values: baseWall}
		out["B3"] = result{values: baseRSS}
	}
	return out
}

// baseSize is B4: the binary's size over the baseline build's.
func (b *bench) baseSize() result {
	fi, err := os.Stat(b.bin)
	if err != nil {
		return result{err: err}
	}
	base, err := os.Stat(b.baseBin)
	if err != nil {
		return result{err: err}
	}
	return result{values: []float64{float64(fi.Size()) / float64(base.Size())},
		note: fmt.Sprintf("%d bytes, baseline %s %d bytes (%+.2f MB)", fi.Size(), b.baseRev, base.Size(), float64(fi.Size()-base.Size())/1e6)}
}

// floor is the median peak RSS of `true` measured like the probe: the least P2 can show (see run).
func (b *bench) floor() float64 {
	var xs []float64
	for range b.n {
		if s, err := run(b.env, "true"); err == nil {
			xs = append(xs, float64(s.MaxRSS)/1e6)
		}
	}
	return median(xs)
}

// size is P3.
func (b *bench) size() result {
	fi, err := os.Stat(b.bin)
	if err != nil {
		return result{err: err}
	}
	note := fmt.Sprintf("%d bytes", fi.Size())
	if b.baseBin != "" {
		if base, err := os.Stat(b.baseBin); err == nil {
			note += fmt.Sprintf("; baseline %s: %s", b.baseRev, format(float64(base.Size())/1e6, "MB"))
		}
	}
	return result{values: []float64{float64(fi.Size()) / 1e6}, note: note}
}

// window is P5. Each run starts at a uniformly random phase of the block period, as a real probe
// would: back to back, every run would start just after a block and wait a whole period.
func (b *bench) window() result {
	var reqs, conns []float64
	before := func() {
		p := b.chain.period
		time.Sleep((rand.N(p) - time.Since(b.chain.start)%p + p) % p)
		b.l2.reset()
		b.builder.reset()
	}
	after := func(sample) error {
		reqs = append(reqs, float64(b.l2.requests.Load()+b.builder.requests.Load())/2)
		conns = append(conns, float64(max(b.l2.conns.Load(), b.builder.conns.Load())))
		return nil
	}
	ss, err := b.series(0, before, after, "health", "--l2", b.l2.URL, "--builder", b.builder.URL, "--interval", "10s")
	if err != nil {
		return result{err: err}
	}
	return result{values: walls(ss, time.Second), note: fmt.Sprintf("%.1f requests and %.0f connection (max %.0f) per endpoint",
		median(reqs), median(conns), slices.Max(conns))}
}

// refused is P6, hung is P7 and slow is P8.
func (b *bench) refused() result {
	ss, err := b.series(2, nil, nil, "health", "--l2", b.refusedL2, "--builder", b.refusedBuilder)
	return result{values: walls(ss, time.Millisecond), err: err}
}

func (b *bench) hung() result {
	ss, err := b.series(2, nil, nil, "health", "--l2", b.hang.URL, "--builder", b.hang.URL, "--timeout", "1s")
	return result{values: walls(ss, time.Second), err: err}
}

func (b *bench) slow() result {
	var reqs []float64
	before := func() { b.slowL2.reset(); b.slowBuilder.reset() }
	after := func(sample) error {
		reqs = append(reqs, float64(b.slowL2.requests.Load()+b.slowBuilder.requests.Load())/2)
		return nil
	}
	ss, err := b.series(0, before, after, "health", "--l2", b.slowL2.URL, "--builder", b.slowBuilder.URL)
	if err != nil {
		return result{err: err}
	}
	return result{values: walls(ss, slowDelay), note: fmt.Sprintf("%.0f ms; %.0f request per endpoint",
		median(walls(ss, time.Millisecond)), median(reqs))}
}

// walls are the runs' wall times in units of unit.
func walls(ss []sample, unit time.Duration) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = float64(s.Wall) / float64(unit)
	}
	return out
}
