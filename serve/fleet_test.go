package serve

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// verdictProbe answers a fixed state at once, as a real check of a node in that state would.
func verdictProbe(state check.State) TargetProbe {
	return func(_ context.Context, mode check.Mode) check.Result {
		return check.Result{Mode: mode, State: state, Reason: "l2 " + state.String(), Start: time.Now()}
	}
}

// hangingProbe holds its check until ctx ends, as a check of a node that never answers does
// until its run bound; started is closed when a check begins.
func hangingProbe(started chan<- struct{}) TargetProbe {
	return func(ctx context.Context, mode check.Mode) check.Result {
		if started != nil {
			close(started)
		}
		<-ctx.Done()
		return check.Result{Mode: mode, State: check.Unavailable, Reason: "l2 timeout", Start: time.Now()}
	}
}

func fleetServer(t *testing.T, targets Targets, opts FleetOptions) (*Fleet, string) {
	t.Helper()
	if opts.MaxConcurrent == 0 {
		opts.MaxConcurrent = 8
	}
	f := NewFleet(check.SystemClock{}, targets, nil, opts)
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func fleetGet(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestFleet_ProbeAnswersTheTargetsSeries(t *testing.T) {
	_, url := fleetServer(t, Targets{
		"ok":   {Probe: verdictProbe(check.Healthy), Bound: time.Second, Labels: map[string]string{"chain": "base"}},
		"part": {Probe: verdictProbe(check.Partial), Bound: time.Second},
	}, FleetOptions{})
	code, body := fleetGet(t, url+"/probe?target=ok")
	for _, want := range []string{`headprobe_status{chain="base"} 0`, "probe_success 1", "probe_duration_seconds "} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/probe?target=ok: %d, lacks %q:\n%s", code, want, body)
		}
	}
	if code, body := fleetGet(t, url+"/probe?target=part&mode=health"); code != 200 || !strings.Contains(body, "headprobe_status 1") || !strings.Contains(body, "probe_success 0") {
		t.Errorf("/probe?target=part: %d\n%s", code, body)
	}
	for path, want := range map[string]int{
		"/probe?target=nope": 404, "/probe": 400, "/probe?target=ok&mode=soon": 400,
		"/healthz?target=ok": 200, "/healthz?target=part": 206, "/readyz?target=nope": 404, "/livez": 400,
		"/-/healthy": 200, "/-/reload": 405,
	} {
		if code, body := fleetGet(t, url+path); code != want {
			t.Errorf("%s: %d %q, want %d", path, code, body, want)
		}
	}
	resp, err := http.Post(url+"/probe?target=ok", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /probe: %d", resp.StatusCode)
	}
}

func TestFleet_ScrapeTimeoutCapsTheBound(t *testing.T) {
	var left atomic.Int64
	probe := func(ctx context.Context, mode check.Mode) check.Result {
		d, _ := ctx.Deadline()
		left.Store(int64(time.Until(d)))
		return check.Result{Mode: mode, State: check.Healthy, Start: time.Now()}
	}
	_, url := fleetServer(t, Targets{"a": {Probe: probe, Bound: 10 * time.Second}}, FleetOptions{})
	fleetGet(t, url+"/probe?target=a", ScrapeTimeoutHeader, "0.5")
	if d := time.Duration(left.Load()); d <= 0 || d > 450*time.Millisecond {
		t.Errorf("with a 0.5 s scrape timeout the check had %s, want at most 450ms", d)
	}
	fleetGet(t, url+"/probe?target=a")
	if d := time.Duration(left.Load()); d < 9*time.Second || d > 10*time.Second {
		t.Errorf("without a scrape timeout the check had %s, want its bound of 10s", d)
	}
	fleetGet(t, url+"/probe?target=a", ScrapeTimeoutHeader, "60")
	if d := time.Duration(left.Load()); d > 10*time.Second {
		t.Errorf("a longer scrape timeout gave the check %s, past its bound", d)
	}
}

func TestFleet_BeyondMaxConcurrentIs503AtOnce(t *testing.T) {
	started := make(chan struct{})
	_, url := fleetServer(t, Targets{
		"hang": {Probe: hangingProbe(started), Bound: 5 * time.Second},
		"ok":   {Probe: verdictProbe(check.Healthy), Bound: time.Second},
	}, FleetOptions{MaxConcurrent: 1})
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, url+"/probe?target=hang", nil)
		req.Header.Set(ScrapeTimeoutHeader, "2")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-started
	at := time.Now()
	if code, body := fleetGet(t, url+"/probe?target=ok"); code != 503 || !strings.Contains(body, "--max-concurrent-probes") {
		t.Errorf("beyond the bound: %d %q, want 503", code, body)
	}
	if d := time.Since(at); d > time.Second {
		t.Errorf("the 503 took %s: it must not wait for a slot", d)
	}
	if code := <-done; code != 200 {
		t.Errorf("the hanging target's scrape: %d, want 200 (its series say it failed)", code)
	}
	if code, _ := fleetGet(t, url+"/probe?target=ok"); code != 200 {
		t.Errorf("after the slot is free: %d", code)
	}
}

func TestFleet_AHangingTargetNeverDelaysAnother(t *testing.T) {
	started := make(chan struct{})
	_, url := fleetServer(t, Targets{
		"hang": {Probe: hangingProbe(started), Bound: 3 * time.Second},
		"ok":   {Probe: verdictProbe(check.Healthy), Bound: time.Second},
	}, FleetOptions{MaxConcurrent: 4})
	go func() {
		if resp, err := http.Get(url + "/probe?target=hang"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	at := time.Now()
	for range 5 {
		if code, _ := fleetGet(t, url+"/probe?target=ok"); code != 200 {
			t.Errorf("ok while hang hangs: %d", code)
		}
	}
	if d := time.Since(at); d > time.Second {
		t.Errorf("five scrapes of a healthy target took %s while another hung", d)
	}
}

func TestFleet_ReloadKeepsTheOldTargetsOnABadFile(t *testing.T) {
	var closed atomic.Int32
	next := Targets{"b": {Probe: verdictProbe(check.Healthy), Bound: time.Second}}
	var fail atomic.Bool
	var warned []string
	opts := FleetOptions{MaxConcurrent: 2, EnableReload: true, Warn: func(m string) { warned = append(warned, m) }, Load: func() (Targets, func(), error) {
		if fail.Load() {
			return nil, nil, errors.New("targets.yaml:3: bad")
		}
		return next, func() { closed.Add(1) }, nil
	}}
	f := NewFleet(check.SystemClock{}, Targets{"a": {Probe: verdictProbe(check.Healthy), Bound: time.Second}}, func() { closed.Add(1) }, opts)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	fail.Store(true)
	resp, err := http.Post(srv.URL+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || len(warned) != 1 || !strings.Contains(warned[0], "previous 1 targets are kept") {
		t.Errorf("a bad reload: %d, warnings %q", resp.StatusCode, warned)
	}
	if code, _ := fleetGet(t, srv.URL+"/probe?target=a"); code != 200 {
		t.Errorf("after a bad reload the old target answers %d", code)
	}
	fail.Store(false)
	if err := f.Reload(); err != nil {
		t.Fatal(err)
	}
	if code, _ := fleetGet(t, srv.URL+"/probe?target=a"); code != 404 {
		t.Errorf("a target gone after the reload answers %d", code)
	}
	if code, _ := fleetGet(t, srv.URL+"/probe?target=b"); code != 200 {
		t.Errorf("the new target answers %d", code)
	}
	for deadline := time.Now().Add(2 * time.Second); closed.Load() != 1 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if closed.Load() != 1 {
		t.Errorf("the old targets were released %d times, want once", closed.Load())
	}
	code, body := fleetGet(t, srv.URL+"/metrics")
	if code != 200 || !strings.Contains(body, "headprobe_config_last_reload_successful 1") || !strings.Contains(body, "headprobe_reloads_total 1") ||
		!strings.Contains(body, "\ngo_goroutines ") || !strings.Contains(body, "\nprocess_start_time_seconds ") {
		t.Errorf("/metrics: %d\n%s", code, body)
	}
}
