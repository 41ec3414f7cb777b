package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// valgrindEnv makes a Go 1.26 program countable under valgrind 3.19: no asynchronous preemption
// signals, and no RDTSCP, which valgrind does not emulate. The counts then repeat within a few
// thousandths whatever the machine's load.
var valgrindEnv = []string{"GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off"}

// instructions is F1i: the instructions one `health -q --l2 U --builder U` executes over those of
// the floor program against the same endpoints, each counted by callgrind, median of the runs
// (at most 5: the counts barely move).
func (b *bench) instructions() result {
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		return result{err: fmt.Errorf("valgrind not found (F1i counts instructions with callgrind); install it: apt-get install -y valgrind")}
	}
	dir, err := os.MkdirTemp("", "headprobe-callgrind-")
	if err != nil {
		return result{err: err}
	}
	defer os.RemoveAll(dir)
	count := func(bin string, args ...string) (float64, error) {
		out := filepath.Join(dir, "callgrind.out")
		cmd := exec.Command(valgrind, append([]string{"--tool=callgrind", "--callgrind-out-file=" + out, bin}, args...)...)
		cmd.Env = append(append(os.Environ(), b.env...), valgrindEnv...)
		log, err := cmd.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("callgrind %s: %v: %s", filepath.Base(bin), err, lastLine(log))
		}
		return irTotal(log)
	}
	var ratios, probes, floors []float64
	for range min(b.n, 5) {
		p, err := count(b.bin, "health", "-q", "--l2", b.l2.URL, "--builder", b.builder.URL)
		if err != nil {
			return result{err: err}
		}
		f, err := count(b.floorBin, b.l2.URL, b.builder.URL)
		if err != nil {
			return result{err: err}
		}
		probes, floors, ratios = append(probes, p), append(floors, f), append(ratios, p/f)
	}
	return result{values: ratios, note: fmt.Sprintf("probe %.2f M, floor %.2f M instructions", median(probes)/1e6, median(floors)/1e6)}
}

// irLine is callgrind's summary line of instructions executed: "==PID== I   refs:      8,170,711".
var irLine = regexp.MustCompile(`I\s+refs:\s+([\d,]+)`)

// irTotal reads the instructions executed from callgrind's log.
func irTotal(log []byte) (float64, error) {
	m := irLine.FindSubmatch(log)
	if m == nil {
		return 0, fmt.Errorf("callgrind printed no instruction count: %s", lastLine(log))
	}
	return strconv.ParseFloat(strings.ReplaceAll(string(m[1]), ",", ""), 64)
}

// lastLine is the last non-empty line of out, for an error.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}
