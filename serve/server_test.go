package serve

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/headprobe/headprobe/check"
)

// startRun runs s's loop with probe until the returned stop is called, which waits for its end.
func startRun(t *testing.T, s *Server, probe Probe) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx, probe) }()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the loop still runs 5 s after its context ended")
		}
	}
}

// A check that hangs past its time (here one that ignores its context, which the run bound
// forbids) cannot freeze the answers: they turn to 503 "no fresh verdict" once the last verdict is
// older than the limit, and /-/healthy still says the loop runs.
func TestRun_HungCheck_AnswersTurnStaleNotFrozen(t *testing.T) {
	s, clock := newTestServer()
	h := s.Handler()
	if code, _, _ := get(t, h, "GET", "/-/healthy"); code != 503 {
		t.Errorf("/-/healthy before the loop: %d, want 503", code)
	}
	started, release := make(chan int, 8), make(chan struct{})
	probes := 0
	stop := startRun(t, s, func(ctx context.Context) check.Result {
		probes++
		started <- probes
		if probes == 2 {
			<-release // the second check hangs until the test lets it go
		}
		return run(clock, &fakeSource{clock: clock, number: uint64(probes)}, &fakeSource{clock: clock, number: uint64(probes)})
	})
	<-started
	if code, _, _ := get(t, h, "GET", "/-/healthy"); code != 200 {
		t.Errorf("/-/healthy while the loop runs: %d, want 200", code)
	}
	// The loop takes a tick only once it has recorded the check: the first verdict is at t0.
	clock.ticks <- time.Time{}
	<-started // the second check starts, and hangs
	clock.advance(5 * time.Second)
	if code, _, _ := get(t, h, "GET", "/healthz"); code != 200 {
		t.Errorf("5 s after the last check: %d, want 200", code)
	}
	clock.advance(2 * time.Second)
	if code, _, body := get(t, h, "GET", "/healthz"); code != 503 || body != "UNKNOWN: no fresh verdict: last check finished 7s ago\n" {
		t.Errorf("7 s after the last check, the next one hung: %d %q", code, body)
	}
	if _, _, body := get(t, h, "GET", "/metrics"); !strings.Contains(body, "\nheadprobe_status 3\n") {
		t.Errorf("/metrics with a stale verdict does not say status 3:\n%s", body)
	}
	close(release)
	clock.ticks <- time.Time{} // taken once the hung check is recorded
	if code, _, body := get(t, h, "GET", "/healthz"); code != 200 || !strings.Contains(body, "#2") && !strings.Contains(body, "#3") {
		t.Errorf("after the hung check returned: %d %q, want its healthy verdict", code, body)
	}
	stop()
	if code, _, _ := get(t, h, "GET", "/-/healthy"); code != 503 {
		t.Errorf("/-/healthy after the loop ended: %d, want 503", code)
	}
	if !clock.isStopped() {
		t.Error("ticker not stopped")
	}
}

// A check cut short by the end of the context is dropped, not kept as a verdict.
func TestRun_CutShortCheckIsDropped(t *testing.T) {
	s, clock := newTestServer()
	ctx, cancel := context.WithCancel(context.Background())
	probes := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx, func(ctx context.Context) check.Result {
			probes++
			if probes == 1 {
				return run(clock, &fakeSource{clock: clock, number: 1}, &fakeSource{clock: clock, number: 1})
			}
			cancel()
			return check.Result{Mode: check.Health, State: check.Unknown, Reason: "observation cut short: context canceled"}
		})
	}()
	clock.ticks <- time.Time{}
	<-done
	if r, _, fresh := s.verdicts.current(check.Health, clock.Now(), s.limit); !fresh || r.State != check.Healthy {
		t.Errorf("after the cut-short check: %s %q, want the first, healthy verdict", r.State, r.Reason)
	}
}

// /metrics: serve's counters, the latest verdict's textfile series and build info, as
// Prometheus' linter accepts them.
func TestMetrics_CountChecksAndChangesAndCarryTheTextfileSeries(t *testing.T) {
	s, clock := newTestServer()
	var changes []check.State
	s.opts.OnChange = func(r check.Result) { changes = append(changes, r.State) }
	l2, builder := &fakeSource{clock: clock, number: 10}, &fakeSource{clock: clock, number: 10}
	for i, builderAge := range []time.Duration{0, 0, time.Minute, time.Minute, time.Minute, 0} {
		builder.age = builderAge
		l2.number, builder.number = uint64(10+i), uint64(10+i)
		s.Record(run(clock, l2, builder))
		clock.advance(2 * time.Second)
	}
	if want := []check.State{check.Healthy, check.Partial, check.Healthy}; !slices.Equal(changes, want) {
		t.Errorf("OnChange got %v, want %v", changes, want)
	}
	_, _, body := get(t, s.Handler(), "GET", "/metrics")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	value := func(name string, labels ...string) float64 {
		mf := families[name]
		if mf == nil {
			t.Errorf("%s missing from /metrics", name)
			return -1
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					found = found || (l.GetName() == labels[i] && l.GetValue() == labels[i+1])
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
		t.Errorf("%s%v missing from /metrics", name, labels)
		return -1
	}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"headprobe_checks_total", []string{"status", "healthy"}, 3},
		{"headprobe_checks_total", []string{"status", "partial"}, 3},
		{"headprobe_checks_total", []string{"status", "unavailable"}, 0},
		{"headprobe_checks_total", []string{"status", "unknown"}, 0},
		{"headprobe_state_changes_total", nil, 2},
		{"headprobe_check_duration_seconds", nil, 6},
		{"headprobe_last_check_timestamp_seconds", nil, float64(t0.Add(10 * time.Second).Unix())},
		{"headprobe_build_info", []string{"version", "v1.2.3", "revision", "abc", "goversion", "go1.26"}, 1},
		{"headprobe_status", nil, 0},
		{"headprobe_head_number", []string{"endpoint", "builder"}, 15},
		{"headprobe_up", []string{"endpoint", "l2"}, 1},
		{"headprobe_builder_lag_blocks", nil, 0},
		{"headprobe_last_run_timestamp_seconds", nil, float64(t0.Add(10 * time.Second).Unix())},
		{"headprobe_last_success_timestamp_seconds", nil, float64(t0.Add(10 * time.Second).Unix())},
	} {
		if got := value(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The process's and the Go runtime's series, from client_golang's default registry.
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_start_time_seconds"} {
		if got := value(name); got <= 0 {
			t.Errorf("%s = %v, want > 0", name, got)
		}
	}
	gathered, err := s.gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(gathered).Lint()
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", err, problems)
	}
}

// Serve answers until its context ends, then returns nil at once, idle keep-alive connections
// included; a request in flight is answered.
func TestServe_EndsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, finish := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-finish
		}
		io.WriteString(w, "ok\n")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, h) }()
	url := "http://" + ln.Addr().String()
	resp, err := http.Get(url + "/") // leaves an idle keep-alive connection
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	slow := make(chan error, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "ok\n" {
				err = errors.New("body " + string(body))
			}
		}
		slow <- err
	}()
	<-entered
	cancel()
	close(finish)
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Serve still running 2 s after its context ended")
	}
	if err := <-slow; err != nil {
		t.Errorf("the request in flight: %v, want answered", err)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Error("still answering after Serve returned")
	}
}

func TestNewHTTPServer_BoundsEveryPhase(t *testing.T) {
	srv := NewHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Errorf("unbounded: header %s, read %s, write %s, idle %s, %d header bytes", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
}
