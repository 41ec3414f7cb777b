// Command bench measures headprobe against the performance budgets of issues #5, #10 and #13 on this
// machine, against loopback JSON-RPC endpoints it serves itself, next to the floor program of
// cmd/bench/floor (go-ethereum's rpc client alone), and prints a markdown table of medians:
//
//	go run ./cmd/bench [-n 10] [-tags T] [-gcflags G] [-goexperiment E] [-overlay F] [-env K=V]... [-only P1,P5] [-json]
//
// It builds the release binary (CGO_ENABLED=0 GOEXPERIMENT=releaseExperiment go build -trimpath
// -ldflags='-s -w' with the release tags and -gcflags, releaseGCFlags) and the floor program with
// the same GOEXPERIMENT and flags but those two, so it needs the go tool, curl for the P1 and P4 baselines and wrk
// for serve's load figure S2 (S3 runs serve's soak test with go test). Figures are medians of -n runs; run it on an
// otherwise idle machine. The exit code is 1 when a figure misses its budget.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// releaseTags are the release build's -tags: urfave/cli without its man-page generator, net/http
// without HTTP/2, which the probe never speaks.
const releaseTags = "urfave_cli_no_docs,nethttpomithttp2"

// releaseGCFlags are the release build's -gcflags (README, "Install"; Dockerfile; .ci/run): no
// inlining in packages that a probe runs little or not at all (a TLS handshake, certificates,
// big numbers, YAML files, slog, pprof, template parsing for help), 0.33 MB of the binary (P3).
const releaseGCFlags = "crypto/tls=-l crypto/x509=-l math/big=-l log/slog=-l runtime/pprof=-l text/template/parse=-l go.yaml.in/yaml/v3=-l"

// releaseExperiment is the release build's GOEXPERIMENT: Go 1.26's previous garbage collector.
// Green Tea, the new default, keeps a small-object span's mark bits at the end of its first 8 KB,
// so each span a run allocates from touches a second page: 0.6 MB of a one-shot probe's peak RSS
// (P2), which never reaches its first collection. Go 1.27 is to remove the setting.
const releaseExperiment = "nogreenteagc"

// recipe is how a binary is built beyond the package: -tags, -gcflags, GOEXPERIMENT and -overlay.
type recipe struct {
	tags       string
	gcflags    string // space-separated PATTERN=FLAGS, each passed as one -gcflags
	experiment string
	overlay    string
}

// envFlags collects repeated -env K=V.
type envFlags []string

func (e *envFlags) String() string { return strings.Join(*e, " ") }
func (e *envFlags) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

// options are the command-line flags.
type options struct {
	n int
	recipe
	// baseline is a git revision whose probe the B figures compare with, interleaved.
	baseline string
	only     string
	json     bool
	block    time.Duration
	inits    int
	env      envFlags
	stdout   io.Writer
}

func main() {
	if os.Getenv(launcherEnv) != "" {
		launch()
		return
	}
	o := options{stdout: os.Stdout}
	flag.IntVar(&o.n, "n", 10, "runs per figure (medians are reported)")
	flag.StringVar(&o.tags, "tags", releaseTags, "build tags for the probe binary, passed to go build -tags (the release build drops urfave/cli's man-page generator and net/http's HTTP/2, which the probe never speaks)")
	flag.StringVar(&o.gcflags, "gcflags", releaseGCFlags, "space-separated `PATTERN=FLAGS` for the probe binary, each passed as go build -gcflags (the release build does not inline in packages a probe barely runs)")
	flag.StringVar(&o.experiment, "goexperiment", releaseExperiment, "GOEXPERIMENT for the probe binary, the floor program and the baseline (the release build's: Go 1.26's previous garbage collector, see README)")
	flag.StringVar(&o.overlay, "overlay", "", "go build -overlay file, to measure a variant without editing the tree")
	flag.StringVar(&o.baseline, "baseline", "", "git `REV` to compare with: its probe, built the same way, runs interleaved with this tree's (B1–B4)")
	flag.StringVar(&o.only, "only", "", "comma-separated figures to run, e.g. P1,P5 (default all)")
	flag.BoolVar(&o.json, "json", false, "print JSON instead of markdown")
	flag.DurationVar(&o.block, "block", time.Second, "block period of the fake chain")
	flag.IntVar(&o.inits, "inits", 5, "list the N slowest package inits (GODEBUG=inittrace=1); 0 = skip")
	flag.Var(&o.env, "env", "extra environment of the probe runs, KEY=VALUE (repeatable), e.g. -env GOGC=off")
	fleet := flag.Bool("fleet", false, "run the fleet soak instead: serve --targets over -targets fakes, -rounds scrape rounds")
	var fo fleetOptions
	flag.IntVar(&fo.targets, "targets", 200, "with -fleet: targets, a tenth of which never answer")
	flag.IntVar(&fo.rounds, "rounds", 100, "with -fleet: scrape rounds over every target")
	flag.IntVar(&fo.maxProbes, "max-probes", 64, "with -fleet: serve's --max-concurrent-probes, and the scrapers of a round")
	flag.DurationVar(&fo.scrapeTimeout, "scrape-timeout", 1500*time.Millisecond, "with -fleet: the scrape timeout sent to serve")
	failover := flag.Bool("failover", false, "measure failover on the real OP stack instead (C1, C2; -n rounds each): see runFailover")
	flag.Parse()
	if *failover {
		if _, err := o.runFailover(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		return
	}
	if *fleet {
		pass, err := o.runFleet(fo)
		switch {
		case err != nil:
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		case !pass:
			os.Exit(1)
		}
		return
	}
	pass, err := o.run()
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	case !pass:
		os.Exit(1)
	}
}

// run measures the selected figures and prints them; pass is false when one missed its budget.
func (o options) run() (pass bool, err error) {
	n, env := o.n, o.env
	if n < 1 || o.block <= 0 {
		return false, fmt.Errorf("-n must be at least 1 and -block positive")
	}
	selected := map[string]bool{}
	for _, id := range strings.Split(strings.ToUpper(o.only), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		i := slices.IndexFunc(figures, func(f figure) bool { return strings.EqualFold(f.ID, id) })
		if i < 0 {
			return false, fmt.Errorf("-only: unknown figure %q (F0, F1, F1i, P1 … P8, S1, S2, S2R, S3, L1, B1 … B4)", id)
		}
		selected[figures[i].ID] = true
	}
	want := func(ids ...string) bool {
		return len(selected) == 0 || slices.ContainsFunc(ids, func(id string) bool { return selected[id] })
	}
	b := &bench{n: n, env: append(childEnv(), env...)}
	if want("P1", "P4") {
		if b.curl, err = exec.LookPath("curl"); err != nil {
			return false, fmt.Errorf("curl not found (P1 and P4 compare the probe with it); install it: apt-get install -y curl")
		}
	}
	rep := report{Machine: describeMachine(), Runs: n, ProbeEnv: env}
	dir, err := os.MkdirTemp("", "headprobe-bench-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	b.bin = filepath.Join(dir, "headprobe")
	if rep.Build, err = build(b.bin, ".", o.recipe); err != nil {
		return false, err
	}
	withBase := o.baseline != "" && want("B1", "B2", "B3", "B4")
	if withBase {
		b.baseBin = filepath.Join(dir, "headprobe-baseline")
		if b.baseRev, err = buildRevision(o.baseline, dir, b.baseBin, recipe{tags: o.tags, gcflags: o.gcflags, experiment: o.experiment}); err != nil {
			return false, err
		}
		rep.Baseline = b.baseRev
	}
	withFloor := want("F0", "F1", "F1i")
	if withFloor {
		b.floorBin = filepath.Join(dir, "floor")
		if _, err = build(b.floorBin, floorPkg, recipe{experiment: o.experiment}); err != nil {
			return false, err
		}
	}
	stop, err := b.start(o.block)
	if err != nil {
		return false, err
	}
	defer stop()

	results := map[string]result{}
	if want("F0", "F1", "P1", "P2", "P4") || withBase {
		for id, r := range b.oneShot(want("P1", "P4"), withFloor) {
			results[id] = r
		}
	}
	if want("S2", "S2R") {
		for id, r := range b.serveLoad() {
			results[id] = r
		}
	}
	measure := map[string]func() result{"P3": b.size, "B4": b.baseSize, "P5": b.window, "P6": b.refused, "P7": b.hung, "P8": b.slow, "S1": b.serveCPU, "S3": b.soak, "L1": b.landing, "F1i": b.instructions}
	for _, f := range figures {
		if m := measure[f.ID]; m != nil && want(f.ID) && (!f.baseline() || withBase) {
			results[f.ID] = m()
		}
	}
	pass = true
	for _, f := range figures {
		if r, ok := results[f.ID]; ok && want(f.ID) && (!f.baseline() || withBase) {
			rep.Rows = append(rep.Rows, newRow(f, r))
			pass = pass && rep.Rows[len(rep.Rows)-1].Pass
		}
	}
	if o.inits > 0 {
		if rep.Inits, rep.InitsTotal, err = inits(b.env, b.bin, n, o.inits); err != nil {
			return false, err
		}
		if withFloor { // the floor takes no flags: --version is an endpoint it cannot dial, after its inits
			if _, rep.FloorInitsTotal, err = inits(b.env, b.floorBin, n, 0); err != nil {
				return false, err
			}
		}
	}
	rep.LoadAtEnd = loadAvg()
	if o.json {
		enc := json.NewEncoder(o.stdout)
		enc.SetIndent("", "  ")
		return pass, enc.Encode(rep)
	}
	return pass, printMarkdown(o.stdout, rep)
}

// floorPkg is the floor program of F0 and F1, relative to the module root.
const floorPkg = "./cmd/bench/floor"

// build compiles the package pkg (relative to the module root) with the release flags into bin
// and returns the command used.
func build(bin, pkg string, r recipe) (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if err != nil || root == "." || strings.TrimSpace(string(gomod)) == os.DevNull {
		return "", fmt.Errorf("run from inside the headprobe module (go env GOMOD: %v)", err)
	}
	return buildIn(root, bin, pkg, r)
}

// buildIn is build from the module whose root is the directory root.
func buildIn(root, bin, pkg string, r recipe) (string, error) {
	args := []string{"build", "-trimpath", "-ldflags=-s -w"}
	if r.tags != "" {
		args = append(args, "-tags", r.tags)
	}
	for _, g := range strings.Fields(r.gcflags) {
		args = append(args, "-gcflags="+g)
	}
	if r.overlay != "" {
		overlay, err := filepath.Abs(r.overlay)
		if err != nil {
			return "", err
		}
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "-o", bin, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env, cmd.Stderr = root, append(os.Environ(), "CGO_ENABLED=0", "GOEXPERIMENT="+r.experiment), os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	desc := "CGO_ENABLED=0"
	if r.experiment != "" {
		desc += " GOEXPERIMENT=" + r.experiment
	}
	desc += " go build -trimpath -ldflags='-s -w'"
	if r.tags != "" {
		desc += " -tags " + r.tags
	}
	for _, g := range strings.Fields(r.gcflags) {
		desc += " -gcflags=" + g
	}
	if r.overlay != "" {
		desc += " -overlay " + r.overlay
	}
	return desc, nil
}

// childEnv is this process's environment without what would change how the probe runs.
func childEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HEADPROBE_") || slices.Contains([]string{"GOGC", "GOMEMLIMIT", "GODEBUG", "GOMAXPROCS", "NO_COLOR"}, k) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// start serves the loopback endpoints and returns how to stop them.
func (b *bench) start(block time.Duration) (func(), error) {
	b.chain = &chain{start: time.Now(), period: block}
	var closers []func()
	stop := func() {
		for _, c := range closers {
			c()
		}
		closers = nil
	}
	for _, s := range []struct {
		into  **rpcServer
		delay time.Duration
	}{{&b.l2, 0}, {&b.builder, 0}, {&b.slowL2, slowDelay}, {&b.slowBuilder, slowDelay}} {
		srv, err := startRPC(b.chain, s.delay)
		if err != nil {
			stop()
			return nil, err
		}
		*s.into, closers = srv, append(closers, srv.Close)
	}
	var err error
	if b.hang, err = startBlackhole(); err == nil {
		closers = append(closers, b.hang.Close)
		if b.refusedL2, err = refusedURL(); err == nil {
			b.refusedBuilder, err = refusedURL()
		}
	}
	if err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// runFleet builds the release binary and runs the fleet soak with it.
func (o options) runFleet(fo fleetOptions) (bool, error) {
	bin, remove, err := o.releaseBinary()
	if err != nil {
		return false, err
	}
	defer remove()
	return fleetSoak(bin, fo, o.stdout)
}

// releaseBinary builds the release binary into a temporary directory, which remove deletes.
func (o options) releaseBinary() (bin string, remove func(), err error) {
	dir, err := os.MkdirTemp("", "headprobe-bench-")
	if err != nil {
		return "", nil, err
	}
	bin = filepath.Join(dir, "headprobe")
	if _, err := build(bin, ".", o.recipe); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return bin, func() { os.RemoveAll(dir) }, nil
}
