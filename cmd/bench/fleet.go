package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fleetOptions are the flags of the fleet soak (-fleet).
type fleetOptions struct {
	targets, rounds, maxProbes int
	scrapeTimeout              time.Duration
}

// fleetReport is what the soak measured.
type fleetReport struct {
	Targets, Hanging, Rounds, MaxProbes int
	ScrapeTimeout                       time.Duration
	// Healthy and Hanging are the scrape durations of the healthy and the hanging targets, in ms.
	HealthyP50, HealthyP99, HealthyMax, HangingP50, HangingMax float64
	// Rejected are the 503s of the rounds at the bound (want none); BurstRejected those of one
	// round of every target at once, and BurstRejectedMax the slowest of them, in ms.
	Rejected, BurstRejected int
	BurstRejectedMax        float64
	// Late are the scrapes that took longer than the scrape timeout (want none).
	Late int
	// RSS is the server's resident memory after the first round, after the warm-up (a tenth of
	// the rounds), after the last and the most, in KiB.
	RSSFirst, RSSWarm, RSSLast, RSSMax int64
	Pass                               bool
}

// fleetSoak runs `headprobe serve --targets` over o.targets loopback fakes, a tenth of which
// never answer, and scrapes every target o.rounds times as Prometheus would (o.maxProbes at once,
// each with its scrape timeout), then once all at once; it reports the scrape durations, the 503s
// and the server's RSS over the rounds.
func fleetSoak(bin string, o fleetOptions, out io.Writer) (bool, error) {
	dir, err := os.MkdirTemp("", "headprobe-fleet-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	c := &chain{start: time.Now(), period: time.Second}
	var yaml strings.Builder
	fmt.Fprintf(&yaml, "defaults: {timeout: 1s}\ntargets:\n")
	hanging := map[string]bool{}
	var closers []func()
	defer func() {
		for _, f := range closers {
			f()
		}
	}()
	names := make([]string, o.targets)
	for i := range o.targets {
		names[i] = fmt.Sprintf("chain-%03d", i)
		url := ""
		if i%10 == 9 {
			h, err := startBlackhole()
			if err != nil {
				return false, err
			}
			closers, url, hanging[names[i]] = append(closers, h.Close), h.URL, true
		} else {
			s, err := startRPC(c, 0)
			if err != nil {
				return false, err
			}
			closers, url = append(closers, s.Close), s.URL
		}
		fmt.Fprintf(&yaml, "  %s: {l2: %s, builder: %s}\n", names[i], url, url)
	}
	file := filepath.Join(dir, "targets.yaml")
	if err := os.WriteFile(file, []byte(yaml.String()), 0o600); err != nil {
		return false, err
	}
	cmd := exec.Command(bin, "serve", "--targets", file, "--listen", "127.0.0.1:0", "--max-concurrent-probes", strconv.Itoa(o.maxProbes))
	cmd.Env = childEnv()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return false, err
	}
	if err := cmd.Start(); err != nil {
		return false, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	base, err := answeringAt(stderr)
	if err != nil {
		return false, err
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.targets}}
	scrape := func(name string) (int, time.Duration) {
		req, _ := http.NewRequest(http.MethodGet, base+"/probe?target="+name, nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(o.scrapeTimeout.Seconds(), 'f', -1, 64))
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, time.Since(start)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	rep := fleetReport{Targets: o.targets, Hanging: len(hanging), Rounds: o.rounds, MaxProbes: o.maxProbes, ScrapeTimeout: o.scrapeTimeout}
	var healthy, hung []float64
	var mu sync.Mutex
	for round := range o.rounds {
		work := make(chan string)
		var wg sync.WaitGroup
		for range o.maxProbes { // as many scrapers as the server's bound: none is refused
			wg.Add(1)
			go func() {
				defer wg.Done()
				for name := range work {
					code, d := scrape(name)
					mu.Lock()
					switch {
					case code == http.StatusServiceUnavailable:
						rep.Rejected++
					case hanging[name]:
						hung = append(hung, ms(d))
					default:
						healthy = append(healthy, ms(d))
					}
					if d > o.scrapeTimeout {
						rep.Late++
					}
					mu.Unlock()
				}
			}()
		}
		for _, n := range names {
			work <- n
		}
		close(work)
		wg.Wait()
		rss, err := rssKiB(cmd.Process.Pid)
		if err != nil {
			return false, err
		}
		if round == 0 {
			rep.RSSFirst = rss
		}
		if round == o.rounds/10 {
			rep.RSSWarm = rss
		}
		rep.RSSLast, rep.RSSMax = rss, max(rep.RSSMax, rss)
	}
	// One burst: every target at once, beyond the bound; the refused are refused at once.
	var burst sync.WaitGroup
	var rejected atomic.Int64
	var slowest atomic.Int64
	for _, n := range names {
		burst.Add(1)
		go func() {
			defer burst.Done()
			if code, d := scrape(n); code == http.StatusServiceUnavailable {
				rejected.Add(1)
				for s := slowest.Load(); int64(d) > s && !slowest.CompareAndSwap(s, int64(d)); s = slowest.Load() {
				}
			}
		}()
	}
	burst.Wait()
	rep.BurstRejected, rep.BurstRejectedMax = int(rejected.Load()), ms(time.Duration(slowest.Load()))
	slices.Sort(healthy)
	slices.Sort(hung)
	rep.HealthyP50, rep.HealthyP99, rep.HealthyMax = quantile(healthy, 0.5), quantile(healthy, 0.99), quantile(healthy, 1)
	rep.HangingP50, rep.HangingMax = quantile(hung, 0.5), quantile(hung, 1)
	rep.Pass = rep.Rejected == 0 && rep.Late == 0 && rep.BurstRejectedMax < 250 &&
		float64(rep.RSSLast) <= 1.1*float64(rep.RSSWarm)+4<<10
	printFleet(out, rep)
	return rep.Pass, nil
}

// answeringAt reads serve's stderr until it says where it answers, then drains the rest.
func answeringAt(stderr io.Reader) (string, error) {
	re := regexp.MustCompile(`answering on (http://\S+) `)
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return m[1], nil
		}
	}
	return "", fmt.Errorf("headprobe serve exited before answering")
}

// rssKiB is a process's resident set size, from /proc.
func rssKiB(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for process %d", pid)
}

// quantile is the q-quantile of sorted xs (0 for none).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return xs[min(len(xs)-1, int(q*float64(len(xs))))]
}

// printFleet writes the soak's figures as a markdown table.
func printFleet(w io.Writer, r fleetReport) {
	verdict := "pass"
	if !r.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "Fleet soak: %d targets (%d never answer), %d rounds, --max-concurrent-probes %d, scrape timeout %s: %s\n\n",
		r.Targets, r.Hanging, r.Rounds, r.MaxProbes, r.ScrapeTimeout, verdict)
	fmt.Fprintln(w, "| figure | value |\n|---|---|")
	fmt.Fprintf(w, "| healthy scrape p50 / p99 / max | %.1f / %.1f / %.1f ms |\n", r.HealthyP50, r.HealthyP99, r.HealthyMax)
	fmt.Fprintf(w, "| hanging scrape p50 / max | %.0f / %.0f ms (capped by the scrape timeout) |\n", r.HangingP50, r.HangingMax)
	fmt.Fprintf(w, "| scrapes past the timeout | %d |\n", r.Late)
	fmt.Fprintf(w, "| 503 at the bound (%d scrapers) | %d |\n", r.MaxProbes, r.Rejected)
	fmt.Fprintf(w, "| 503 in a burst of all %d at once, slowest | %d, %.1f ms |\n", r.Targets, r.BurstRejected, r.BurstRejectedMax)
	fmt.Fprintf(w, "| serve RSS after round 1 / round %d / the last / max | %d / %d / %d / %d KiB |\n", r.Rounds/10+1, r.RSSFirst, r.RSSWarm, r.RSSLast, r.RSSMax)
}
