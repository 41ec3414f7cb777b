package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeFleet_ProbesReloadsAndRefuses: serve --targets on the binary: /probe and /healthz per
// target, 404 for an unknown one, a hanging target answered within the scrape timeout, the file
// read anew on SIGHUP and POST /-/reload, a bad file keeping the old targets with a warning.
func TestServeFleet_ProbesReloadsAndRefuses(t *testing.T) {
	fresh := fmRPC(fmFresh)(t, nil).url
	hang := fmSilent(t, nil).url
	path := filepath.Join(t.TempDir(), "targets.yaml")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(fmt.Sprintf("defaults: {timeout: 5s}\ntargets:\n  ok: {l2: %s, labels: {chain: a}}\n  hang: {l2: %s}\n", fresh, hang))
	s := startServe(t, "--targets", path, "--enable-reload")

	if a := s.get(t, "/probe?target=ok"); a.code != 200 || !strings.Contains(a.body, `headprobe_status{chain="a"} 0`) || !strings.Contains(a.body, "probe_success 1") {
		t.Errorf("/probe?target=ok: %d\n%s", a.code, a.body)
	}
	if a := s.get(t, "/probe?target=nope"); a.code != 404 {
		t.Errorf("unknown target: %d %q", a.code, a.body)
	}
	if a := s.get(t, "/healthz?target=ok"); a.code != 200 || !strings.HasPrefix(a.body, "HEALTHY: ") {
		t.Errorf("/healthz?target=ok: %d %q", a.code, a.body)
	}
	a := s.get(t, "/probe?target=hang", "X-Prometheus-Scrape-Timeout-Seconds", "0.5")
	if a.code != 200 || !strings.Contains(a.body, "headprobe_status 2") || !strings.Contains(a.body, "probe_success 0") {
		t.Errorf("/probe?target=hang: %d\n%s", a.code, a.body)
	}
	if a.took > 500*time.Millisecond+fmStartSlack {
		t.Errorf("the hanging target's scrape took %s with a 0.5 s scrape timeout (its own timeout is 5 s)", a.took)
	}

	// SIGHUP: a new target.
	write(fmt.Sprintf("targets:\n  ok: {l2: %s}\n  more: {l2: %s}\n", fresh, fresh))
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	s.await(t, "/probe?target=more", 200, 5*time.Second)
	if a := s.get(t, "/probe?target=hang"); a.code != 404 {
		t.Errorf("a target gone after the reload: %d", a.code)
	}

	// A bad file: the old targets stay, with a warning; POST /-/reload says why.
	write("targets:\n  ok: {l2: " + fresh + ", timout: 1s}\n")
	s.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.output(), "reload failed") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // the warning is written by another process
	}
	if out := s.output(); !strings.Contains(out, `warning: reload failed, the previous 2 targets are kept: `+path+`:2: target "ok", key "timout"`) {
		t.Errorf("no warning about the bad file: %s", out)
	}
	resp, err := http.Post(s.base+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("POST /-/reload of a bad file: %d, want 500", resp.StatusCode)
	}
	if a := s.get(t, "/probe?target=more"); a.code != 200 {
		t.Errorf("after a bad reload the old targets answer %d", a.code)
	}
	write(fmt.Sprintf("targets:\n  back: {l2: %s}\n", fresh))
	if resp, err := http.Post(s.base+"/-/reload", "", nil); err != nil || resp.StatusCode != 200 {
		t.Errorf("POST /-/reload: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	s.await(t, "/probe?target=back", 200, 5*time.Second)
	s.stop(t, syscall.SIGTERM)
}
