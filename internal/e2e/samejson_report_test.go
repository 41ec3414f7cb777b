package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The report of the comparison mode (samejson_test.go): pairs.txt in the report's directory, one
// entry per pair compared (the test, the arguments, "identical" or the diff), and summary.txt,
// the counts, also printed when the tests end.

// samejsonReport is the state of the report.
var samejsonReport struct {
	sync.Mutex
	dir                  string
	pairs                *os.File
	identical, differing int
}

// samejsonScratch holds the files the pairs' runs write instead of the test's (see
// samejsonMoveFiles); it is removed when the tests end.
var samejsonScratch string

// samejsonOpenReport starts the report in dir, or in a new temporary directory when dir is "".
func samejsonOpenReport(dir string) error {
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "headprobe-samejson")
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if samejsonScratch, err = os.MkdirTemp("", "headprobe-samejson-files"); err != nil {
		return err
	}
	samejsonReport.dir = dir
	samejsonReport.pairs, err = os.Create(filepath.Join(dir, "pairs.txt"))
	fmt.Fprintf(os.Stderr, "samejson: comparing every -o json run with %s; report in %s\n", samejsonBaseline, dir)
	return err
}

// samejsonRecord writes a pair's outcome to the report and counts it; a difference or an error
// fails the test. attempt is the number of runs again, earlier the diffs of the runs before.
func samejsonRecord(t *testing.T, args []string, attempt int, earlier []string, diff string, err error) {
	t.Helper()
	var verdict string
	switch {
	case err != nil:
		verdict = "ERROR: " + err.Error() + "\n"
	case diff == "":
		verdict = "identical"
		if attempt > 0 {
			verdict += fmt.Sprintf(" (on run %d; the runs before differed:\n%s)", attempt+1, strings.Join(earlier, "\n"))
		}
		verdict += "\n"
	case attempt == 0:
		verdict = "DIFFERING (not run again: a signal was sent during the run)\n" + diff
	default:
		verdict = fmt.Sprintf("DIFFERING (in %d runs)\n%s", attempt+1, diff)
	}
	samejsonReport.Lock()
	if err == nil && diff == "" {
		samejsonReport.identical++
	} else {
		samejsonReport.differing++
	}
	fmt.Fprintf(samejsonReport.pairs, "=== %s\nheadprobe %s\n%s\n", t.Name(), strings.Join(args, " "), verdict)
	samejsonReport.Unlock()
	if err != nil || diff != "" {
		t.Errorf("samejson: headprobe %s: the old and the new binary's JSON documents differ: %s", strings.Join(args, " "), verdict)
	}
}

// samejsonSummary writes and prints the counts, once the tests are over, and removes the scratch
// directory.
func samejsonSummary() {
	if samejsonBaseline == "" {
		return
	}
	samejsonReport.Lock()
	defer samejsonReport.Unlock()
	summary := fmt.Sprintf("samejson: %d pairs compared: %d identical, %d differing (baseline %s; report %s)\n",
		samejsonReport.identical+samejsonReport.differing, samejsonReport.identical, samejsonReport.differing,
		samejsonBaseline, filepath.Join(samejsonReport.dir, "pairs.txt"))
	fmt.Fprint(os.Stderr, summary)
	os.WriteFile(filepath.Join(samejsonReport.dir, "summary.txt"), []byte(summary), 0o644)
	samejsonReport.pairs.Close()
	os.RemoveAll(samejsonScratch)
}
