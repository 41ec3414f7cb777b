package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// soakChecks is how many checks the soak runs: 10,000 in the test suite, as watch's soak, or
// SERVE_SOAK_CHECKS (the bench's S3 sets 100,000).
func soakChecks(t *testing.T) int {
	if v := os.Getenv("SERVE_SOAK_CHECKS"); v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil || n < 2000 {
			t.Fatalf("SERVE_SOAK_CHECKS=%q: want a number ≥ 2000", v)
		}
		return n
	}
	return 10_000
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// S3: checks through the serve loop on a fake clock, real health checks of fake sources whose
// state changes every 100 checks, with a scrape of every endpoint over one kept-alive connection
// every 1000 checks: the live heap, the goroutines and the server's open connections stay flat.
// The figures are printed on a line starting "S3:" for the bench.
func TestRun_Soak_HeapGoroutinesAndConnectionsStayFlat(t *testing.T) {
	checks := soakChecks(t)
	s, clock := newTestServer()
	var open atomic.Int64
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	scrape := func() {
		for _, path := range []string{"/healthz", "/readyz", "/livez", "/-/healthy", "/metrics"} {
			resp, err := client.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	l2, builder := &fakeSource{clock: clock}, &fakeSource{clock: clock}
	type sample struct {
		heap        uint64
		goroutines  int
		connections int64
	}
	var first, last sample
	// The baseline is taken a tenth of the way in, once the lazy allocations of the HTTP server and
	// the collectors are made.
	baseline := max(checks/10/1000, 2)*1000 - 1
	var maxConns int64
	probes := 0
	done := make(chan struct{})
	probe := func(context.Context) check.Result {
		i := probes
		probes++
		if i%1000 == 999 {
			scrape()
			s := sample{liveHeap(), runtime.NumGoroutine(), open.Load()}
			maxConns = max(maxConns, s.connections)
			if i == baseline {
				first = s
			}
			last = s
		}
		clock.advance(2 * time.Second)
		l2.number++
		builder.number = l2.number
		builder.age = 0
		if (i/100)%2 == 1 {
			builder.age = time.Minute // partial for 100 checks, then healthy again
		}
		r := run(clock, l2, builder)
		if probes == checks {
			close(done)
		}
		return r
	}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	start := time.Now()
	go func() { defer close(ended); s.Run(ctx, probe) }()
	for tick := 1; tick < checks; tick++ {
		clock.ticks <- time.Time{}
	}
	<-done
	cancel()
	<-ended
	took := time.Since(start)
	_, _, changes := get(t, s.Handler(), "GET", "/metrics")
	t.Logf("%d checks in %s (%.1f µs each)", checks, took.Round(time.Millisecond), float64(took.Microseconds())/float64(checks))
	fmt.Printf("S3: checks=%d heap_growth_bytes=%d goroutines_first=%d goroutines_last=%d connections_max=%d seconds=%.2f\n",
		checks, int64(last.heap)-int64(first.heap), first.goroutines, last.goroutines, maxConns, took.Seconds())
	if grown := int64(last.heap) - int64(first.heap); grown > 1<<20 {
		t.Errorf("live heap grew by %d bytes from check %d to %d", grown, baseline+1, checks)
	}
	if last.goroutines > first.goroutines+2 {
		t.Errorf("goroutines: %d at check %d, %d at the end", first.goroutines, baseline+1, last.goroutines)
	}
	if maxConns > 1 {
		t.Errorf("up to %d connections open: the client's one kept-alive connection was not reused", maxConns)
	}
	if want := fmt.Sprintf("\nheadprobe_checks_total{status=\"healthy\"} %d\n", checks/2); !strings.Contains(changes, want) {
		t.Errorf("/metrics after the soak lacks %q", want)
	}
}
