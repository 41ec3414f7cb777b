package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// TestFleet_ACheckLongerThanTheWriteTimeoutIsStillAnswered: a target whose run bound is longer
// than the server's write timeout (a 11 s --timeout, or a scrape_timeout over 10 s) gets its
// answer, not an empty reply cut by the server.
func TestFleet_ACheckLongerThanTheWriteTimeoutIsStillAnswered(t *testing.T) {
	defer func(d time.Duration) { writeTimeout = d }(writeTimeout)
	writeTimeout = 100 * time.Millisecond
	f := NewFleet(check.SystemClock{}, Targets{"slow": {Probe: hangingProbe(nil), Bound: 3 * writeTimeout}}, nil, FleetOptions{MaxConcurrent: 1})
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = NewHTTPServer(f.Handler())
	srv.Start()
	defer srv.Close()
	for _, path := range []string{"/probe?target=slow", "/healthz?target=slow"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("%s: %v, want an answer", path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if want := map[bool]int{true: 200, false: 503}[path[1] == 'p']; resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
