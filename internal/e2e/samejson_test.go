package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The comparison mode (issue #19: "the fault matrix's and every e2e test's JSON documents are
// identical before and after, timing fields aside"). With HEADPROBE_E2E_BASELINE naming an old
// headprobe binary, every one-shot run these tests make with -o json (probeRun, faultExec,
// execRSS, the interrupted runs) starts the old binary too, at the same moment, with the same
// arguments and environment, against the same endpoints; both documents are compared once their
// timing is removed (samejson_normalize_test.go) and every pair goes to the report
// (samejson_report_test.go). A difference fails the test. Without the variable nothing more runs.
//
// Not compared: watch and serve (a stream over time, not one document), runs in text, Nagios or
// quiet mode, and internal/e2e/realstack (a package of its own, on the real OP stack).

// samejsonEnv names the old binary; samejsonReportEnv the report's directory.
const (
	samejsonEnv       = "HEADPROBE_E2E_BASELINE"
	samejsonReportEnv = "HEADPROBE_E2E_BASELINE_REPORT"
)

// samejsonBaseline is the old binary, "" when the mode is off.
var samejsonBaseline string

// samejsonRetries is how many more times a pair that may be repeated is run when it differs: a
// block may arrive between the two processes' samples.
const samejsonRetries = 2

// samejsonSetup reads the mode from the environment, and takes the variables out of it, so that
// no binary a test starts with this process's environment sees them (headprobe warns about an
// unknown HEADPROBE_* variable).
func samejsonSetup() error {
	samejsonBaseline = os.Getenv(samejsonEnv)
	dir := os.Getenv(samejsonReportEnv)
	os.Unsetenv(samejsonEnv)
	os.Unsetenv(samejsonReportEnv)
	if samejsonBaseline == "" {
		return nil
	}
	abs, err := filepath.Abs(samejsonBaseline) // the tests run from the module root
	if err != nil {
		return err
	}
	samejsonBaseline = abs
	if info, err := os.Stat(abs); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return fmt.Errorf("%s=%s: not an executable file (%v)", samejsonEnv, abs, err)
	}
	return samejsonOpenReport(dir)
}

// samejsonWanted says whether a run with args makes one JSON document to compare.
func samejsonWanted(args []string) bool {
	if samejsonBaseline == "" || len(args) > 0 && (args[0] == "watch" || args[0] == "serve") {
		return false
	}
	for i, a := range args {
		switch {
		case (a == "-o" || a == "--output" || a == "-output") && i+1 < len(args) && args[i+1] == "json",
			a == "-o=json" || a == "--output=json" || a == "-output=json":
			return true
		}
	}
	return false
}

// samejsonRun is one process of a pair.
type samejsonRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	startErr       error
	// moved are the output files this run writes elsewhere than its arguments say: the path it
	// writes, by the path in the arguments.
	moved map[string]string
}

// samejsonStart starts program with args and env; the files it would write (--textfile,
// --state-file) are moved into a directory of their own when move is set (a state file is
// copied there first), so that the test reads what the run of the new binary wrote.
func samejsonStart(program string, args, env []string, move bool) *samejsonRun {
	r := &samejsonRun{moved: map[string]string{}}
	if move {
		args, r.startErr = samejsonMoveFiles(args, r.moved)
	}
	r.cmd = exec.Command(program, args...)
	r.cmd.Env = slices.Clone(env)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if r.startErr == nil {
		r.startErr = r.cmd.Start()
	}
	return r
}

// samejsonMoveFiles rewrites the values of the flags naming a file the run writes.
func samejsonMoveFiles(args []string, moved map[string]string) ([]string, error) {
	out := slices.Clone(args)
	var dir string
	for i, a := range out {
		flag, value, inline := strings.Cut(a, "=")
		if flag != "--textfile" && flag != "--state-file" && flag != "-textfile" && flag != "-state-file" {
			continue
		}
		if !inline {
			if i+1 >= len(out) {
				break
			}
			value = out[i+1]
		}
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp(samejsonScratch, "run"); err != nil {
				return nil, err
			}
		}
		moved[value] = filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(value)))
		if strings.Contains(flag, "state-file") {
			if data, err := os.ReadFile(value); err == nil {
				if err := os.WriteFile(moved[value], data, 0o600); err != nil {
					return nil, err
				}
			}
		}
		if inline {
			out[i] = flag + "=" + moved[value]
		} else {
			out[i+1] = moved[value]
		}
	}
	return out, nil
}

// output is what the run wrote to stdout once it ended, with its moved files named as its
// arguments named them.
func (r *samejsonRun) output() (string, error) {
	if r.startErr != nil {
		return "", r.startErr
	}
	err := r.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return "", err
	}
	out := r.stdout.String()
	for original, path := range r.moved {
		out = strings.ReplaceAll(out, path, original)
	}
	return out, nil
}

// samejsonPair is the old binary's run beside one run of the new binary.
type samejsonPair struct {
	args, env []string
	baseline  *samejsonRun
	// signalled: a signal was sent to both runs during the run, which cannot be repeated.
	signalled bool
}

// samejsonBeside starts the old binary beside a run of the new one just started with args and
// env, or returns nil when that run is not compared.
func samejsonBeside(args, env []string) *samejsonPair {
	if !samejsonWanted(args) {
		return nil
	}
	return &samejsonPair{args: slices.Clone(args), env: slices.Clone(env), baseline: samejsonStart(samejsonBaseline, args, env, true)}
}

// signal sends sig to the old binary's run too.
func (p *samejsonPair) signal(sig os.Signal) {
	p.signalled = true
	if p.baseline.startErr == nil {
		p.baseline.cmd.Process.Signal(sig)
	}
}

// compare waits for the old binary's run and compares its document with current, the new
// binary's output. When they differ, the pair is run again, both binaries at once, up to
// samejsonRetries times (the report keeps the diffs of the runs before): two processes started
// together may still see a different head (a block sealed between their samples, a fake's block
// stamped with the current second) or lose a race differently (a close seen as a reset). Every
// run compared is a one-shot against endpoints that serve each run alike (the fakes are static,
// or count per connection: see fmCalls); a run that was sent a signal is the exception, and is
// reported as it differed.
func (p *samejsonPair) compare(t *testing.T, current string) {
	repeatable := !p.signalled
	t.Helper()
	var diffs []string
	for attempt := 0; ; attempt++ {
		diff, err := samejsonCompare(current, p.baseline)
		if err != nil {
			samejsonRecord(t, p.args, attempt, diffs, "", err)
			return
		}
		if diff == "" || !repeatable || attempt == samejsonRetries {
			samejsonRecord(t, p.args, attempt, diffs, diff, nil)
			return
		}
		diffs = append(diffs, diff)
		time.Sleep(100 * time.Millisecond)
		again := samejsonStart(binary, p.args, p.env, true)
		p.baseline = samejsonStart(samejsonBaseline, p.args, p.env, true)
		if current, err = again.output(); err != nil {
			samejsonRecord(t, p.args, attempt+1, diffs, "", fmt.Errorf("the new binary, run again: %w", err))
			p.baseline.output()
			return
		}
	}
}

// samejsonCompare is the diff of the new binary's output and the old one's, normalized.
func samejsonCompare(current string, baseline *samejsonRun) (string, error) {
	old, err := baseline.output()
	if err != nil {
		return "", fmt.Errorf("running the baseline: %w", err)
	}
	a, err := samejsonNormalize(old)
	if err != nil {
		return "", fmt.Errorf("the baseline's output is not JSON (%v): %q %q", err, old, baseline.stderr.String())
	}
	b, err := samejsonNormalize(current)
	if err != nil {
		return "", fmt.Errorf("the new binary's output is not JSON (%v): %q", err, current)
	}
	return samejsonDiff(a, b), nil
}

// samejsonPairs are the pairs started by faultStart and execRSS, by the new binary's command,
// until faultWait compares them.
var samejsonPairs sync.Map // *exec.Cmd -> *samejsonPair

// samejsonStore starts the old binary beside cmd, just started with args, when that run is
// compared.
func samejsonStore(cmd *exec.Cmd, args []string) {
	if p := samejsonBeside(args, cmd.Env); p != nil {
		samejsonPairs.Store(cmd, p)
	}
}

// samejsonPairOf is the pair started beside cmd, or nil.
func samejsonPairOf(cmd *exec.Cmd) *samejsonPair {
	p, _ := samejsonPairs.Load(cmd)
	pair, _ := p.(*samejsonPair)
	return pair
}

// samejsonTake is the pair started beside cmd, or nil, forgotten.
func samejsonTake(cmd *exec.Cmd) *samejsonPair {
	p, _ := samejsonPairs.LoadAndDelete(cmd)
	pair, _ := p.(*samejsonPair)
	return pair
}

// samejsonBothConnected waits, up to 5 s, for the endpoint to have accepted the connections of
// both runs of a pair: both are then past their start, handling signals, when the interrupted
// cases send theirs.
func samejsonBothConnected(hits *faultHits) {
	for deadline := time.Now().Add(5 * time.Second); hits.conns.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}
