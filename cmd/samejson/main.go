// Command samejson checks that a change of headprobe's internals leaves its JSON documents as they
// were (issue #19): it builds the headprobe of a git revision (the baseline) in a temporary git
// worktree, as the tests build theirs, then runs the black-box tests of internal/e2e with
// HEADPROBE_E2E_BASELINE naming it, so that every -o json run of those tests also runs the
// baseline at the same moment and compares the two documents, timing fields aside. It prints
// the count of identical and differing pairs, and exits non-zero when a test failed.
//
//	go run ./cmd/samejson -baseline main
//	go run ./cmd/samejson -baseline e44bb3c -run 'TestFaultMatrix' -report /tmp/samejson
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/headprobe/headprobe/internal/testkit"
)

func main() {
	os.Exit(run())
}

func run() int {
	rev := flag.String("baseline", "", "the git `revision` whose headprobe the working tree's is compared with (required)")
	report := flag.String("report", "", "the `directory` of the report (pairs.txt, summary.txt); default: a new temporary one")
	pattern := flag.String("run", "", "run only the tests matching this `regexp` (go test -run)")
	timeout := flag.String("timeout", "40m", "go test's -timeout")
	flag.Parse()
	if *rev == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./cmd/samejson -baseline REV [-run REGEXP] [-report DIR]")
		return 2
	}
	root, err := testkit.ModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "samejson:", err)
		return 2
	}
	tmp, err := os.MkdirTemp("", "headprobe-samejson-baseline")
	if err != nil {
		fmt.Fprintln(os.Stderr, "samejson:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	bin, err := buildBaseline(root, *rev, tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "samejson:", err)
		return 1
	}
	if *report == "" {
		if *report, err = os.MkdirTemp("", "headprobe-samejson-report"); err != nil {
			fmt.Fprintln(os.Stderr, "samejson:", err)
			return 1
		}
	}
	os.Remove(filepath.Join(*report, "summary.txt")) // a summary left by an earlier run
	args := []string{"test", "-count=1", "-timeout", *timeout}
	if *pattern != "" {
		args = append(args, "-run", *pattern)
	}
	test := exec.Command("go", append(args, "./internal/e2e")...)
	test.Dir, test.Stdout, test.Stderr = root, os.Stdout, os.Stderr
	test.Env = append(os.Environ(), "HEADPROBE_E2E_BASELINE="+bin, "HEADPROBE_E2E_BASELINE_REPORT="+*report)
	fmt.Fprintf(os.Stderr, "samejson: go %s ./internal/e2e, against %s\n", strings.Join(args, " "), *rev)
	testErr := test.Run()
	summary, err := os.ReadFile(filepath.Join(*report, "summary.txt"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "samejson: no summary in %s: the tests did not finish\n", *report)
		return 1
	}
	fmt.Print(string(summary))
	if testErr != nil {
		fmt.Fprintf(os.Stderr, "samejson: go test failed (%v); the differences are in %s\n", testErr, filepath.Join(*report, "pairs.txt"))
		return 1
	}
	return 0
}

// buildBaseline builds the headprobe of rev into dir, from a git worktree of it under dir that is
// removed once built, and returns the binary's path.
func buildBaseline(root, rev, dir string) (string, error) {
	hash, err := exec.Command("git", "-C", root, "rev-parse", "--short", "--verify", rev+"^{commit}").Output()
	if err != nil {
		return "", fmt.Errorf("-baseline %q: not a commit of this repository", rev)
	}
	commit := strings.TrimSpace(string(hash))
	src := filepath.Join(dir, "src")
	add := exec.Command("git", "-C", root, "worktree", "add", "--detach", "--quiet", src, commit)
	add.Stderr = os.Stderr
	if err := add.Run(); err != nil {
		return "", fmt.Errorf("git worktree add %s: %w", commit, err)
	}
	defer func() {
		remove := exec.Command("git", "-C", root, "worktree", "remove", "--force", src)
		remove.Stderr = os.Stderr
		remove.Run()
	}()
	bin := filepath.Join(dir, "headprobe-"+commit)
	fmt.Fprintf(os.Stderr, "samejson: building the baseline %s (%s)\n", rev, commit)
	if err := testkit.BuildHeadprobe(src, bin, os.Stderr); err != nil {
		return "", errors.Join(fmt.Errorf("building %s", commit), err)
	}
	return bin, nil
}
