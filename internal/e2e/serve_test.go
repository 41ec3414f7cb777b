package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// served is a running `headprobe serve` process.
type served struct {
	base   string // http://host:port
	cmd    *exec.Cmd
	stdout *strings.Builder
	mu     *sync.Mutex // guards stdout and stderr
	stderr *strings.Builder
	exited chan struct{} // closed when the process has exited, with its error in err
	err    error
}

var serveAnswering = regexp.MustCompile(`^headprobe serve: answering on http://(\S+) `)

// startServe starts `headprobe serve args… --listen 127.0.0.1:0` with a clean environment and
// waits for the line that says where it answers; the process is killed at the end of the test.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	s, answering := launchServe(t, args...)
	if !answering {
		t.Fatalf("serve exited before answering: %v; %s", s.err, s.output())
	}
	return s
}

// launchServe is startServe, but for a serve that may exit at start (a refused configuration):
// answering is false when it exited before saying where it answers, with s.err its exit.
func launchServe(t *testing.T, args ...string) (s *served, answering bool) {
	t.Helper()
	cmd := exec.Command(binary, append(append([]string{"serve"}, args...), "--listen", "127.0.0.1:0")...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	s = &served{cmd: cmd, stdout: &strings.Builder{}, stderr: &strings.Builder{}, mu: &sync.Mutex{}, exited: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for sc := bufio.NewScanner(stderr); sc.Scan(); {
			s.mu.Lock()
			s.stderr.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := serveAnswering.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() {
		defer wg.Done()
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			s.mu.Lock()
			s.stdout.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
		}
	}()
	go func() { wg.Wait(); s.err = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
		}
	})
	select {
	case a := <-addr:
		s.base = "http://" + a
		return s, true
	case <-s.exited:
		return s, false
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not say where it answers within 15 s; %s", s.output())
		return s, false
	}
}

// output is what the process printed so far.
func (s *served) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "stdout " + s.stdout.String() + "stderr " + s.stderr.String()
}

// answer is one HTTP answer of serve.
type answer struct {
	code   int
	header http.Header
	body   string
	took   time.Duration
}

// get makes one request, on a connection of its own.
func (s *served) get(t *testing.T, path string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return answer{code: resp.StatusCode, header: resp.Header, body: string(body), took: time.Since(start)}
}

// await GETs path until it answers code (and the body contains every part), polling for at most
// within; it returns that answer.
func (s *served) await(t *testing.T, path string, code int, within time.Duration, parts ...string) answer {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		a := s.get(t, path)
		ok := a.code == code
		for _, p := range parts {
			ok = ok && strings.Contains(a.body, p)
		}
		if ok {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %d %q, want %d with %q within %s; %s", path, a.code, a.body, code, parts, within, s.output())
		}
		time.Sleep(50 * time.Millisecond) // polling another process's loop; there is no clock to fake
	}
}

// stop sends sig and checks that serve drains and exits 0 within a second.
func (s *served) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
		if s.err != nil {
			t.Errorf("after %s: %v, want exit 0; %s", sig, s.err, s.output())
		}
	case <-time.After(time.Second):
		t.Fatalf("still running 1 s after %s", sig)
	}
}

// TestServe_EveryEndpointOnTheBinary: against the devnet, /healthz answers 200, then 206 when the
// builder is down (readiness and liveness stay 200), in text and JSON; /-/healthy is 200; /metrics
// passes promtool; other methods are 405; SIGTERM exits 0 within a second.
func TestServe_EveryEndpointOnTheBinary(t *testing.T) {
	net := sequencer(t)
	defer sealEvery(net.L2, time.Second)()
	s := startServe(t, authArgs(net, "--every", "200ms", "--max-unsafe-interval", "30s")...)
	a := s.await(t, "/healthz", 200, 10*time.Second)
	if !strings.HasPrefix(a.body, "HEALTHY: l2 head #") || strings.Count(a.body, "\n") != 1 || a.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("/healthz: %q %q, want the first line as text/plain", a.body, a.header.Get("Content-Type"))
	}
	var doc struct {
		Status  string `json:"status"`
		Command string `json:"command"`
		L2      *struct {
			OK bool `json:"ok"`
		} `json:"l2"`
		Builder *struct {
			OK bool `json:"ok"`
		} `json:"builder"`
	}
	for _, q := range [][]string{{"/healthz?format=json"}, {"/healthz", "Accept", "application/json"}} {
		a := s.get(t, q[0], q[1:]...)
		if err := json.Unmarshal([]byte(a.body), &doc); err != nil || a.code != 200 || doc.Status != "healthy" || doc.Command != "health" || doc.L2 == nil || doc.Builder == nil {
			t.Errorf("GET %v: %d %s (%v), want the healthy JSON document", q, a.code, a.body, err)
		}
	}
	for _, path := range []string{"/readyz", "/livez", "/-/healthy"} {
		if a := s.get(t, path); a.code != 200 {
			t.Errorf("GET %s: %d %q, want 200", path, a.code, a.body)
		}
	}
	metrics := s.get(t, "/metrics")
	if metrics.code != 200 || !strings.HasPrefix(metrics.header.Get("Content-Type"), "text/plain") {
		t.Errorf("/metrics: %d %s", metrics.code, metrics.header.Get("Content-Type"))
	}
	file := filepath.Join(t.TempDir(), "metrics.txt")
	if err := os.WriteFile(file, []byte(metrics.body), 0o644); err != nil {
		t.Fatal(err)
	}
	promtoolCheck(t, file)
	scraped := parseExposition(t, []byte(metrics.body))
	for _, k := range []string{"headprobe_status", "headprobe_up{endpoint=l2}", "headprobe_up{endpoint=builder}", "headprobe_builder_lag_blocks",
		"headprobe_checks_total{status=healthy}", "headprobe_state_changes_total", "headprobe_last_check_timestamp_seconds", "headprobe_last_run_timestamp_seconds"} {
		if _, ok := scraped[k]; !ok {
			t.Errorf("/metrics lacks %s", k)
		}
	}
	if !strings.Contains(metrics.body, "headprobe_check_duration_seconds_bucket{") || !regexp.MustCompile(`(?m)^headprobe_build_info\{goversion="go[^"]+",revision="[^"]+",version="[^"]+"\} 1$`).MatchString(metrics.body) {
		t.Errorf("/metrics lacks the duration histogram or the build info")
	}
	for _, method := range []string{"POST", "PUT", "DELETE"} {
		req, _ := http.NewRequest(method, s.base+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /healthz: %d, Allow %q; want 405", method, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}

	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	a = s.await(t, "/healthz", 206, 10*time.Second, "PARTIAL: builder ")
	for _, path := range []string{"/readyz", "/livez"} {
		if a := s.get(t, path); a.code != 200 {
			t.Errorf("builder down: GET %s: %d %q, want 200 (a builder never fails readiness)", path, a.code, a.body)
		}
	}
	s.stop(t, syscall.SIGTERM)
	out := s.output()
	if !strings.Contains(out, " HEALTHY: l2 head #") || !strings.Contains(out, " PARTIAL: builder ") {
		t.Errorf("the state changes were not logged: %s", out)
	}
}

// TestServe_HungEndpoint_AnswersNeverFreeze: an L2 that accepts connections and never answers.
// Every check is cut at its bound, so every answer comes at once, says why (a timeout), and is
// about a check that finished within the freshness limit: never stale, never waiting on the check.
func TestServe_HungEndpoint_AnswersNeverFreeze(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	silent := fmSilent(t, nil)
	s := startServe(t, "--l2", silent.url, "--every", "200ms", "--timeout", "300ms")
	s.await(t, "/healthz", 503, 10*time.Second, "UNAVAILABLE: l2 ")
	var times []string
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		a := s.get(t, "/livez?format=json")
		var doc struct {
			Status, Reason, Time string
		}
		if err := json.Unmarshal([]byte(a.body), &doc); err != nil {
			t.Fatalf("/livez: %v %q", err, a.body)
		}
		if a.code != 503 || doc.Status != "unavailable" || strings.Contains(doc.Reason, "no fresh verdict") || !strings.Contains(doc.Reason, "timeout") {
			t.Errorf("/livez: %d %s %q, want unavailable: timeout", a.code, doc.Status, doc.Reason)
		}
		if a.took > time.Second { // loose: the answer never waits on a check (300 ms each)
			t.Errorf("/livez took %s", a.took)
		}
		if len(times) == 0 || times[len(times)-1] != doc.Time {
			times = append(times, doc.Time)
		}
	}
	if len(times) < 3 {
		t.Errorf("the verdict changed %d times in 2 s of checks every 350 ms or so: %q", len(times), times)
	}
	s.stop(t, syscall.SIGINT)
}

// TestServe_PortInUse_Exit3OneLine: a port already in use fails at start, exit 3, one line.
func TestServe_PortInUse_Exit3OneLine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	o := probeRun(t, "serve", "--l2", "http://127.0.0.1:1", "--listen", ln.Addr().String())
	if o.code != exitUnknown || o.stdout != "UNKNOWN: --listen "+ln.Addr().String()+": address already in use\n" || o.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 3 and one line", o.code, o.stdout, o.stderr)
	}
}

// TestServe_SignalsDrainAndExitZero: SIGTERM and SIGINT, with a kept-alive idle connection and
// requests arriving, end serve with exit 0 within a second.
func TestServe_SignalsDrainAndExitZero(t *testing.T) {
	ep := fmRPC(fmFresh)(t, nil)
	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGINT} {
		s := startServe(t, "--l2", ep.url, "--every", "100ms", "--max-stall", "1h")
		s.await(t, "/healthz", 200, 10*time.Second)
		client := &http.Client{Timeout: 2 * time.Second}
		resp, err := client.Get(s.base + "/metrics") // an idle keep-alive connection from here on
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		stopRequests := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stopRequests:
					return
				default:
				}
				if resp, err := client.Get(s.base + "/healthz"); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
		time.Sleep(50 * time.Millisecond) // let requests flow before the signal
		s.stop(t, sig)
		close(stopRequests)
		wg.Wait()
	}
}

// TestServe_SlowOrHugeRequestsAreCut: a client that never finishes its headers is disconnected
// after the read-header timeout (2 s) while others are answered, and headers past 8 KiB are
// refused with 431.
func TestServe_SlowOrHugeRequestsAreCut(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	ep := fmRPC(fmFresh)(t, nil)
	s := startServe(t, "--l2", ep.url, "--every", "200ms", "--max-stall", "1h")
	s.await(t, "/healthz", 200, 10*time.Second)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n"); err != nil { // and never the blank line
		t.Fatal(err)
	}
	start := time.Now()
	if a := s.get(t, "/livez"); a.code != 200 {
		t.Errorf("another client while one is slow: %d", a.code)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	took := time.Since(start)
	if took < 1500*time.Millisecond || took > 2*time.Second+fmStartSlack || strings.HasPrefix(string(buf[:n]), "HTTP/1.1 200") {
		t.Errorf("the slow client: %q (%v) after %s, want the connection cut at the 2 s read-header timeout", buf[:n], err, took)
	}
	req, _ := http.NewRequest("GET", s.base+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 16<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("16 KiB of headers: %d, want 431", resp.StatusCode)
	}
	s.stop(t, syscall.SIGTERM)
}

// TestServe_SignalsLoggedIgnoredOrDrained: serve without --targets logs SIGHUP, SIGUSR1 and SIGUSR2
// and keeps answering (it has nothing to reload); SIGQUIT, like SIGTERM and SIGINT, drains and
// exits 0, logging the signal.
func TestServe_SignalsLoggedIgnoredOrDrained(t *testing.T) {
	ep := fmRPC(fmFresh)(t, nil)
	s := startServe(t, "--l2", ep.url, "--every", "100ms", "--max-stall", "1h")
	s.await(t, "/healthz", 200, 10*time.Second)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2} {
		if err := s.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		want := map[syscall.Signal]string{syscall.SIGHUP: "headprobe serve: SIGHUP ignored", syscall.SIGUSR1: "headprobe serve: SIGUSR1 ignored",
			syscall.SIGUSR2: "headprobe serve: SIGUSR2 ignored"}[sig]
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(s.output(), want) {
			select {
			case <-s.exited:
				t.Fatalf("serve exited on %s: %v; %s", sig, s.err, s.output())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q within 10 s of %s; %s", want, sig, s.output())
			}
			time.Sleep(20 * time.Millisecond) // polling another process's output; there is no clock to fake
		}
		s.await(t, "/healthz", 200, 5*time.Second)
	}
	s.stop(t, syscall.SIGQUIT)
	if out := s.output(); !strings.Contains(out, "headprobe serve: SIGQUIT: drained, exiting") || strings.Contains(out, "goroutine ") {
		t.Errorf("after SIGQUIT: %s", out)
	}
}
