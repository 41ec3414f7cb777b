package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/devnet"
)

// served is the walk's `headprobe serve`, run in process through cli.Run for the whole walk,
// against the L2 and a builder behind a proxy, so that the fork step can swap the builder under a
// serve that keeps running.
type served struct {
	base    string
	builder atomic.Pointer[url.URL]
	proxy   *http.Server
	stop    context.CancelFunc
	exited  chan int
	out     *syncBuffer // serve's stdout: a line per change of state
	shown   int         // how much of out is printed
}

// syncBuffer is a bytes.Buffer for one writer goroutine and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var answeringOn = regexp.MustCompile(`answering on http://(\S+) `)

// startServed starts the builder proxy and `headprobe serve` with the walk's window, and waits
// until it answers.
func startServed(ctx context.Context, w walk) (*served, error) {
	s := &served{exited: make(chan int, 1), out: &syncBuffer{}}
	s.use(w.net.Builder)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(s.builder.Load()) }, ErrorLog: log.New(io.Discard, "", 0)}
	s.proxy = &http.Server{Handler: rp, ReadHeaderTimeout: time.Second}
	go s.proxy.Serve(ln)
	args := append([]string{"headprobe", "serve", "--listen", "127.0.0.1:0", "--every", w.every().String()},
		w.flags("http://"+ln.Addr().String())...)
	// w.flags turns --max-clock-skew off on blocks faster than one a second: the devnet stamps each
	// a second after its parent, so the heads run ahead of the clock (4 s a second at 200 ms), and
	// serve, which lasts the whole walk, would see them past the skew before the end.
	fmt.Printf("   $ %s   (in process, for the whole walk; the builder behind a proxy the fork step swaps)\n", strings.Join(args, " "))
	var serveCtx context.Context
	serveCtx, s.stop = context.WithCancel(ctx)
	stderr := &syncBuffer{}
	go func() { s.exited <- cli.Run(serveCtx, args, s.out, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := answeringOn.FindStringSubmatch(stderr.String()); m != nil {
			s.base = "http://" + m[1]
			fmt.Printf("   %s", stderr.String())
			return s, nil
		}
		select {
		case code := <-s.exited:
			s.proxy.Close()
			return nil, fmt.Errorf("headprobe serve exited %d: %s%s", code, s.out.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.close()
			return nil, errors.New("headprobe serve did not answer within 10 s")
		}
	}
}

// use points the builder proxy at n's Engine-API port.
func (s *served) use(n *devnet.Node) {
	u, err := url.Parse(n.AuthURL())
	if err == nil {
		s.builder.Store(u)
	}
}

// get is one endpoint's status and first line.
func (s *served) get(path string) (int, string) {
	resp, err := http.Get(s.base + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// await polls /healthz until a check that started after the call answers want's state, for at
// most within, then prints the answers of /healthz, /readyz and /livez and what serve logged
// meanwhile; it returns the state of the last check seen.
func (s *served) await(ctx context.Context, want check.State, within time.Duration) check.State {
	since, deadline := time.Now(), time.Now().Add(within)
	got := check.Unknown
	for {
		_, body := s.get("/healthz?format=json")
		var doc struct {
			Status string `json:"status"`
			Time   string `json:"time"`
		}
		if json.Unmarshal([]byte(body), &doc) == nil {
			if start, err := time.Parse(time.RFC3339Nano, doc.Time); err == nil && start.After(since) {
				for _, st := range []check.State{check.Healthy, check.Partial, check.Unavailable} {
					if doc.Status == st.String() {
						got = st
					}
				}
				if got == want {
					break
				}
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, path := range []string{"/healthz", "/readyz", "/livez"} {
		c, l := s.get(path)
		fmt.Printf("   GET %-8s → %d %s\n", path, c, l)
	}
	if log := s.out.String(); len(log) > s.shown {
		for _, l := range strings.Split(strings.TrimRight(log[s.shown:], "\n"), "\n") {
			fmt.Printf("   serve logged: %s\n", l)
		}
		s.shown = len(log)
	}
	return got
}

// close stops serve (SIGTERM's path: its context ends) and the proxy; it returns serve's exit code.
func (s *served) close() int {
	s.stop()
	code := -1
	select {
	case code = <-s.exited:
	case <-time.After(5 * time.Second):
	}
	s.proxy.Close()
	return code
}
