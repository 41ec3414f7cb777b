package serve

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// TestFleet_ReloadOverHTTPOnlyWhenEnabled: POST /-/reload reloads only when FleetOptions.
// EnableReload is set (serve's --enable-reload, Prometheus' --web.enable-lifecycle); otherwise
// it is 403 and the targets are not read again. Reload (SIGHUP's) works either way.
func TestFleet_ReloadOverHTTPOnlyWhenEnabled(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		var loads atomic.Int32
		opts := FleetOptions{EnableReload: enabled, Load: func() (Targets, func(), error) {
			loads.Add(1)
			return Targets{"b": {Probe: verdictProbe(check.Healthy), Bound: time.Second}}, nil, nil
		}}
		f, url := fleetServer(t, Targets{"a": {Probe: verdictProbe(check.Healthy), Bound: time.Second}}, opts)
		resp, err := http.Post(url+"/-/reload", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want, wantLoads := http.StatusForbidden, int32(0)
		if enabled {
			want, wantLoads = http.StatusOK, 1
		}
		if resp.StatusCode != want || loads.Load() != wantLoads {
			t.Errorf("enabled %v: POST /-/reload %d %q, %d loads; want %d and %d loads", enabled, resp.StatusCode, body, loads.Load(), want, wantLoads)
		}
		if !enabled && !strings.Contains(string(body), "--enable-reload") {
			t.Errorf("the 403 does not say how to enable it: %q", body)
		}
		if code, _ := fleetGet(t, url+"/-/reload"); code != http.StatusMethodNotAllowed {
			t.Errorf("enabled %v: GET /-/reload %d, want 405", enabled, code)
		}
		if err := f.Reload(); err != nil || loads.Load() != wantLoads+1 {
			t.Errorf("enabled %v: Reload (SIGHUP's): %v, %d loads", enabled, err, loads.Load())
		}
	}
}

// TestFleet_QueryString: the verdict endpoints answer JSON for ?format=json or Accept:
// application/json, as serve's own do; a parameter given twice is 400, never one of them taken.
func TestFleet_QueryString(t *testing.T) {
	_, url := fleetServer(t, Targets{
		"good": {Probe: verdictProbe(check.Healthy), Bound: time.Second, Labels: map[string]string{"chain": "base"}},
		"bad":  {Probe: verdictProbe(check.Unavailable), Bound: time.Second},
	}, FleetOptions{})
	for _, c := range []struct {
		path   string
		accept string
		code   int
		json   bool
	}{
		{"/healthz?target=good&format=json", "", 200, true},
		{"/readyz?target=bad&format=json", "", 503, true},
		{"/livez?format=json&target=good", "", 200, true},
		{"/healthz?target=good", "application/json", 200, true},
		{"/healthz?target=good&format=text", "application/json", 200, false},
		{"/healthz?target=good", "", 200, false},
		{"/healthz?target=good&format=xml", "", 400, false},
	} {
		var header []string
		if c.accept != "" {
			header = []string{"Accept", c.accept}
		}
		code, body := fleetGet(t, url+c.path, header...)
		var doc struct {
			Target string            `json:"target"`
			Labels map[string]string `json:"labels"`
			Status string            `json:"status"`
		}
		isJSON := json.Unmarshal([]byte(body), &doc) == nil
		if code != c.code || isJSON != c.json {
			t.Errorf("%s (Accept %q): %d %q, want %d and JSON %v", c.path, c.accept, code, body, c.code, c.json)
		}
		if c.json && isJSON && (doc.Target == "" || doc.Status == "") {
			t.Errorf("%s: the document lacks its target or status: %s", c.path, body)
		}
		if c.path == "/healthz?target=good&format=json" && (doc.Target != "good" || doc.Labels["chain"] != "base" || doc.Status != "healthy") {
			t.Errorf("%s: %s, want target good, its labels and status healthy", c.path, body)
		}
	}
	for _, path := range []string{
		"/healthz?target=good&target=bad", "/probe?target=bad&target=good", "/healthz?target=good&target=good",
		"/probe?target=good&mode=health&mode=live", "/healthz?target=good&format=json&format=text",
	} {
		if code, body := fleetGet(t, url+path); code != http.StatusBadRequest || !strings.Contains(body, "given twice") {
			t.Errorf("%s: %d %q, want 400 saying a parameter is given twice", path, code, body)
		}
	}
}
