package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sample is one run of a child process.
type sample struct {
	Wall   time.Duration // from Start to the end of Wait
	CPU    time.Duration // user + system
	MaxRSS int64         // peak resident set, bytes
	Exit   int
	Out    string // stdout and stderr, for diagnostics
}

// launcherEnv, when set, makes this program a launcher: it runs the command in its arguments
// with the environment JSON-encoded in launcherEnv, and prints the sample as JSON (see run).
const launcherEnv = "HEADPROBE_BENCH_LAUNCHER"

// run measures name with args and env through a fresh copy of this program. Linux records in
// a child's maxrss the high-water RSS of the address space it was exec'd from, and os/exec
// starts children with vfork from this process's address space, with its servers and buffers:
// measured directly, a 2 MB child would show this process's RSS. A launcher that has just
// started has a small address space; the floor that remains is what P2 reports for /bin/true.
func run(env []string, name string, args ...string) (sample, error) {
	self, err := os.Executable()
	if err != nil {
		return sample{}, err
	}
	envJSON, err := json.Marshal(env)
	if err != nil {
		return sample{}, err
	}
	cmd := exec.Command(self, append([]string{name}, args...)...)
	cmd.Env = append(os.Environ(), launcherEnv+"="+string(envJSON)) // the launcher runs as this program does
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return sample{}, fmt.Errorf("launcher: %w", err)
	}
	var s sample
	return s, json.Unmarshal(out, &s)
}

// launch is the launcher's main: it measures the command in os.Args[1:] and prints the sample.
func launch() {
	var env []string
	err := json.Unmarshal([]byte(os.Getenv(launcherEnv)), &env)
	var s sample
	if err == nil {
		s, err = measure(env, os.Args[1], os.Args[2:]...)
	}
	if err == nil {
		err = json.NewEncoder(os.Stdout).Encode(s)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench launcher:", err)
		os.Exit(1)
	}
}

// measure starts name with args and env, waits for it and reads its resource usage.
func measure(env []string, name string, args ...string) (sample, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	err := cmd.Wait()
	wall := time.Since(start)
	if err != nil && !errors.As(err, new(*exec.ExitError)) {
		return sample{}, err
	}
	ps := cmd.ProcessState
	s := sample{Wall: wall, CPU: ps.UserTime() + ps.SystemTime(), Exit: ps.ExitCode(), Out: out.String()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		s.MaxRSS = int64(ru.Maxrss)
		if runtime.GOOS != "darwin" { // Linux counts kilobytes, macOS bytes
			s.MaxRSS *= 1024
		}
	}
	return s, nil
}

// expect turns an unexpected exit code into an error quoting the first line of output.
func expect(s sample, code int, what string) error {
	if s.Exit == code {
		return nil
	}
	line, _, _ := strings.Cut(strings.TrimSpace(s.Out), "\n")
	return fmt.Errorf("%s exited %d, want %d: %s", what, s.Exit, code, line)
}

// median of xs (not modified); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// initCost is one package's init as GODEBUG=inittrace=1 reports it, medians over the runs.
type initCost struct {
	Pkg    string  `json:"package"`
	MS     float64 `json:"clock_ms"`
	Bytes  float64 `json:"bytes"`
	Allocs float64 `json:"allocs"`
}

var initLine = regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, ([0-9.]+) ms clock, (\d+) bytes, (\d+) allocs`)

// inits runs `bin --version` n times with GODEBUG=inittrace=1 and returns the top package inits
// by median clock time, with the median total of all inits.
func inits(env []string, bin string, n, top int) ([]initCost, float64, error) {
	env = append(slices.Clone(env), "GODEBUG=inittrace=1")
	per := map[string][][3]float64{}
	var totals []float64
	for range n {
		s, err := run(env, bin, "--version")
		if err != nil {
			return nil, 0, err
		}
		total := 0.0
		for _, m := range initLine.FindAllStringSubmatch(s.Out, -1) {
			var v [3]float64
			for i := range v {
				v[i], _ = strconv.ParseFloat(m[i+2], 64)
			}
			per[m[1]] = append(per[m[1]], v)
			total += v[0]
		}
		totals = append(totals, total)
	}
	var out []initCost
	for pkg, vs := range per {
		col := func(i int) float64 {
			xs := make([]float64, len(vs))
			for j, v := range vs {
				xs[j] = v[i]
			}
			return median(xs)
		}
		out = append(out, initCost{Pkg: pkg, MS: col(0), Bytes: col(1), Allocs: col(2)})
	}
	slices.SortFunc(out, func(a, b initCost) int {
		return cmp.Or(cmp.Compare(b.MS, a.MS), strings.Compare(a.Pkg, b.Pkg))
	})
	return out[:min(top, len(out))], median(totals), nil
}

// machine describes where the figures were taken.
type machine struct {
	CPU     string `json:"cpu"`
	Cores   int    `json:"cores"`
	Kernel  string `json:"kernel"`
	Go      string `json:"go"`
	Date    string `json:"date"`
	LoadAvg string `json:"load_average"` // 1, 5, 15 minutes, at the start of the run
}

func describeMachine() machine {
	m := machine{CPU: "unknown", Kernel: runtime.GOOS, Cores: runtime.NumCPU(), Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), LoadAvg: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// loadAvg is the 1, 5 and 15 minute load average, or "?" where /proc is missing.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
