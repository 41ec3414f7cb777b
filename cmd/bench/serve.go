package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The figures of `headprobe serve` (issue #13): S1 to S3.

// clockTicks is Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat.
const clockTicks = 100

// s1Requests is how many GET /healthz one S1 run makes.
const s1Requests = 10_000

// serveProc is a running `headprobe serve`.
type serveProc struct {
	cmd  *exec.Cmd
	base string
}

var serveAnswering = regexp.MustCompile(`answering on http://(\S+) `)

// startServe starts the probe binary's serve against the bench's L2 and builder, checking every
// every, and waits until it answers /healthz with 200.
func (b *bench) startServe(every time.Duration) (*serveProc, error) {
	cmd := exec.Command(b.bin, "serve", "--listen", "127.0.0.1:0", "--every", every.String(), "--l2", b.l2.URL, "--builder", b.builder.URL)
	cmd.Env = b.env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &serveProc{cmd: cmd}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := serveAnswering.FindStringSubmatch(sc.Text()); m != nil {
			p.base = "http://" + m[1]
			break
		}
	}
	go io.Copy(io.Discard, stderr)
	if p.base == "" {
		p.stop()
		return nil, errors.New("headprobe serve did not say where it answers")
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("headprobe serve did not answer 200 on /healthz within 10 s")
		}
	}
}

// stop ends serve as the kubelet would (SIGTERM) and waits for it.
func (p *serveProc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// cpu is the process's user + system time so far, from /proc/PID/stat.
func (p *serveProc) cpu() (time.Duration, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: count from the last ")".
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", p.cmd.Process.Pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", p.cmd.Process.Pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// rss is the process's resident set now, from /proc/PID/status, in bytes.
func (p *serveProc) rss() (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`(?m)^VmRSS:\s+(\d+) kB$`).FindSubmatch(data)
	if m == nil {
		return 0, errors.New("no VmRSS in /proc/PID/status")
	}
	kb, err := strconv.ParseInt(string(m[1]), 10, 64)
	return kb * 1024, err
}

// serveCPU measures S1: serve's own CPU per GET /healthz over s1Requests requests, each on a
// new connection as the kubelet's prober makes them, divided by the CPU of one exec'd health
// run (rusage) against the same endpoints, interleaved run by run. serve checks every minute,
// so that the requests, not its checks, are what is measured.
func (b *bench) serveCPU() result {
	p, err := b.startServe(time.Minute)
	if err != nil {
		return result{err: err}
	}
	defer p.stop()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func() error {
		resp, err := client.Get(p.base + "/healthz")
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET /healthz: %d", resp.StatusCode)
		}
		return nil
	}
	var ratios, perGet, perExec []float64
	for range min(b.n, 5) {
		before, err := p.cpu()
		if err != nil {
			return result{err: err}
		}
		for range s1Requests {
			if err := get(); err != nil {
				return result{err: err}
			}
		}
		after, err := p.cpu()
		if err != nil {
			return result{err: err}
		}
		s, err := b.probe("health", "--l2", b.l2.URL, "--builder", b.builder.URL)
		if err == nil {
			err = expect(s, 0, "headprobe health")
		}
		if err != nil {
			return result{err: err}
		}
		get := float64(after-before) / s1Requests
		perGet, perExec = append(perGet, get), append(perExec, float64(s.CPU))
		ratios = append(ratios, get/float64(s.CPU))
	}
	return result{values: ratios, note: fmt.Sprintf("serve %.1f µs CPU per GET (new connection each, %d GETs per run), exec'd `health` %.2f ms; %.0f× cheaper",
		median(perGet)/1e3, s1Requests, median(perExec)/1e6, median(perExec)/median(perGet))}
}

// wrkLatency reads a latency of wrk's --latency distribution ("99%    1.23ms").
var wrkLatency = regexp.MustCompile(`(?m)^\s+99%\s+([\d.]+)(us|ms|s)\s*$`)

// serveLoad measures S2 with wrk: 10 s, 50 connections, one thread (the other core is serve's),
// on /healthz; p99 latency, with errors (socket errors and non-2xx answers) failing it, and the
// RSS growth over the run, after a warm-up at the same load.
func (b *bench) serveLoad() map[string]result {
	fail := func(err error) map[string]result { return map[string]result{"S2": {err: err}, "S2R": {err: err}} }
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return fail(errors.New("wrk not found (apt-get install -y wrk)"))
	}
	p, err := b.startServe(2 * time.Second)
	if err != nil {
		return fail(err)
	}
	defer p.stop()
	idle, err := p.rss()
	if err != nil {
		return fail(err)
	}
	// A 2 s run at the same load first: the 50 connections' buffers and goroutines, and the heap
	// up to the garbage collector's 4 MB minimum goal, are the first load's, not growth under it.
	if out, err := exec.Command(wrk, "-t1", "-c50", "-d2s", p.base+"/healthz").CombinedOutput(); err != nil {
		return fail(fmt.Errorf("wrk: %v: %s", err, out))
	}
	before, err := p.rss()
	if err != nil {
		return fail(err)
	}
	out, err := exec.Command(wrk, "-t1", "-c50", "-d10s", "--latency", p.base+"/healthz").CombinedOutput()
	if err != nil {
		return fail(fmt.Errorf("wrk: %v: %s", err, out))
	}
	after, err := p.rss()
	if err != nil {
		return fail(err)
	}
	text := string(out)
	m := wrkLatency.FindStringSubmatch(text)
	if m == nil {
		return fail(fmt.Errorf("no 99%% latency in wrk's output:\n%s", text))
	}
	p99, _ := strconv.ParseFloat(m[1], 64)
	switch m[2] {
	case "us":
		p99 /= 1000
	case "s":
		p99 *= 1000
	}
	requests := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(text)
	errs := regexp.MustCompile(`(Socket errors:.*|Non-2xx or 3xx responses: \d+)`).FindAllString(text, -1)
	lat := result{values: []float64{p99}}
	if requests != nil {
		lat.note = requests[1] + " requests, 0 errors"
	}
	if len(errs) > 0 {
		lat.err = errors.New(strings.Join(errs, "; "))
	}
	return map[string]result{"S2": lat, "S2R": {values: []float64{float64(after-before) / 1e6},
		note: fmt.Sprintf("VmRSS %.1f MB idle, %.1f MB after a 2 s warm-up at that load, %.1f MB after the 10 s", float64(idle)/1e6, float64(before)/1e6, float64(after)/1e6)}}
}

// s3Line is the soak test's report line.
var s3Line = regexp.MustCompile(`S3: checks=(\d+) heap_growth_bytes=(-?\d+) goroutines_first=(\d+) goroutines_last=(\d+) connections_max=(\d+) seconds=([\d.]+)`)

// soak measures S3 by running serve's soak test (100,000 checks through the serve loop on a fake
// clock, real checks of fake sources, scrapes over one kept-alive connection): the live heap's
// growth, with the goroutines and open connections in the note (growth of either fails it).
func (b *bench) soak() result {
	cmd := exec.Command("go", "test", "-count=1", "-run", "TestRun_Soak", "-v", "./serve/")
	cmd.Env = append(childEnv(), "SERVE_SOAK_CHECKS=100000")
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return result{err: err}
	}
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	out, err := cmd.CombinedOutput()
	m := s3Line.FindStringSubmatch(string(out))
	if m == nil {
		return result{err: fmt.Errorf("go test ./serve/ -run TestRun_Soak: %v\n%s", err, out)}
	}
	growth, _ := strconv.ParseFloat(m[2], 64)
	r := result{values: []float64{growth / 1e6}, note: fmt.Sprintf("%s checks in %s s; goroutines %s → %s; at most %s connection open", m[1], m[6], m[3], m[4], m[5])}
	if err != nil {
		r.err = fmt.Errorf("the soak test failed: %v", err)
	}
	return r
}
