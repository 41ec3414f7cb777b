package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

func TestServe_ParsesLikeHealthWithEveryAndListen(t *testing.T) {
	p, err := Parse(hp("serve", "--l2", "http://b:1", "--builder", "http://c:1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Command != "serve" || p.Mode != check.Health || !p.Builder || p.Every != 2*time.Second || p.Listen != "127.0.0.1:8080" {
		t.Errorf("%+v: want serve of the health check every 2s on 127.0.0.1:8080", p)
	}
	if p.Check.MaxStall != p.Check.MaxAge || p.Check.MaxStall == 0 {
		t.Errorf("max stall %s: serve keeps its marks in memory and judges the stall across checks, as watch does", p.Check.MaxStall)
	}
	for _, c := range []struct {
		args    []string
		environ []string
		want    string
	}{
		{hp("serve", "--l2", "http://b:1"), []string{"HEADPROBE_LISTEN=:9000"}, ":9000"},
		{hp("serve", "--l2", "http://b:1", "--listen", "[::1]:9001"), []string{"HEADPROBE_LISTEN=:9000"}, "[::1]:9001"},
		{hp("--listen", "0.0.0.0:9002", "serve", "--l2", "http://b:1"), nil, "0.0.0.0:9002"},
	} {
		p, err := Parse(c.args, c.environ)
		if err != nil || p.Listen != c.want || len(p.Warnings) != 0 {
			t.Errorf("%q %q: %v %+v, want listen %s without warning", c.args, c.environ, err, p, c.want)
		}
	}
	if _, err := Parse(hp("serve", "--l2", "http://b:1", "--max-stall", "20s"), nil); err != nil {
		t.Errorf("--max-stall without --state-file: %v, want accepted (marks in memory)", err)
	}
}

func TestServe_BadListenOrEveryIsRefused(t *testing.T) {
	for _, c := range []struct{ flag, value, want string }{
		{"--listen", "8080", `--listen must be HOST:PORT, e.g. 127.0.0.1:8080 or :8080 (specified: "8080")`},
		{"--listen", "localhost:http", `--listen must be HOST:PORT`},
		{"--listen", "127.0.0.1:65536", `--listen must be HOST:PORT`},
		{"--listen", "", `--listen must be HOST:PORT`},
		{"--every", "0", "--every must be greater than zero"},
		{"--every", "soon", "--every must be a duration"},
	} {
		mustRefuse(t, hp("serve", "--l2", "http://b:1", c.flag, c.value), nil, c.want)
	}
}

func TestListen_ForAnotherCommandIsWarned_NotInTheEnvironment(t *testing.T) {
	cfg := mustParse(t, hp("--listen", ":9000", "health", "--l2", "http://b:1"), nil)
	if strings.Join(cfg.Warnings, "\n") != "warning: --listen is for serve; health ignores it" {
		t.Errorf("warnings %q", cfg.Warnings)
	}
	if cfg := mustParse(t, hp("ready", "--l2", "http://b:1"), map[string]string{"HEADPROBE_LISTEN": ":9000"}); len(cfg.Warnings) != 0 {
		t.Errorf("warnings %q for HEADPROBE_LISTEN, which one environment block shares with serve", cfg.Warnings)
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's writes and the test's reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var answeringOn = regexp.MustCompile(`answering on http://(\S+) `)

// startServe runs `headprobe serve args… --listen 127.0.0.1:0` in process until the returned stop,
// which returns its exit code; addr is where it answers.
func startServe(t *testing.T, args ...string) (addr string, stdout, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, hp(append(append([]string{"serve"}, args...), "--listen", "127.0.0.1:0")...), stdout, stderr)
	}()
	stop = func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(5 * time.Second):
			t.Fatal("serve still running 5 s after its context ended")
			return -1
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if m := answeringOn.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], stdout, stderr, stop
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("serve did not say where it answers within 5 s: stdout %q stderr %q", stdout, stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// getUntil GETs url until it answers want, for at most 5 s; it returns the last body.
func getUntil(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == want {
				return string(body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %d %q, want %d within 5 s", url, resp.StatusCode, body, want)
			}
		} else if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// One session for the whole run: the checks reuse the endpoints' connections, the verdicts are
// answered, the state changes are logged, and the end of the context ends it with exit 0.
func TestServe_AnswersTheChecksVerdictsUntilItsContextEnds(t *testing.T) {
	l2 := rpcNode(t)
	addr, stdout, stderr, stop := startServe(t, "--l2", l2.URL, "--builder", "http://127.0.0.1:1", "--every", "50ms")
	base := "http://" + addr
	if body := getUntil(t, base+"/healthz", 206); !strings.HasPrefix(body, "PARTIAL: builder connection refused") {
		t.Errorf("/healthz: %q", body)
	}
	getUntil(t, base+"/readyz", 200)
	getUntil(t, base+"/livez", 200)
	getUntil(t, base+"/-/healthy", 200)
	if body := getUntil(t, base+"/metrics", 200); !strings.Contains(body, "\nheadprobe_status 1\n") || !strings.Contains(body, "headprobe_build_info{") {
		t.Errorf("/metrics lacks the verdict or the build info:\n%s", body)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit %d after the context ended, want 0", code)
	}
	if lines := strings.Split(strings.TrimSpace(stdout.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], " PARTIAL: builder connection refused") {
		t.Errorf("stdout %q: want one line, the first verdict (no change since)", stdout)
	}
	if strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr %q: want the one line saying where serve answers", stderr)
	}
}

// A port already in use fails at start: exit 3 and one line, before any check.
func TestServe_PortInUse_Exit3OneLine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), hp("serve", "--l2", "http://127.0.0.1:1", "--listen", ln.Addr().String()), &stdout, &stderr)
	want := "UNKNOWN: --listen " + ln.Addr().String() + ": address already in use\n"
	if code != 3 || stdout.String() != want || stderr.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 3, %q and nothing else", code, stdout.String(), stderr.String(), want)
	}
}
