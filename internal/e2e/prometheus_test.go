package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/testkit"
)

// rulesFile is the alert rules the README gives, and their promtool unit test.
const (
	rulesFile     = "deploy/prometheus/headprobe-rules.yaml"
	rulesTestFile = "deploy/prometheus/headprobe-rules.test.yaml"
)

// prometheusServer is a real Prometheus on 127.0.0.1.
type prometheusServer struct{ base string }

// startPrometheus runs Debian's prometheus with a generated configuration that scrapes target
// (host:port) as job "headprobe" every second, with the rules file loaded.
func startPrometheus(t *testing.T, target string) prometheusServer {
	t.Helper()
	dir := t.TempDir()
	rules, err := filepath.Abs(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: headprobe
    static_configs:
      - targets: [%q]
`, rules, target)
	return runPrometheus(t, dir, config)
}

// runPrometheus runs Debian's prometheus with the configuration, written in dir, until the test ends.
func runPrometheus(t *testing.T, dir, config string) prometheusServer {
	t.Helper()
	bin := realTool(t, "prometheus", "prometheus")
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	p := prometheusServer{base: "http://" + addr}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		if resp, err := http.Get(p.base + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("prometheus exited before it was ready: %v\n%s", err, logs.String())
		case <-deadline:
			t.Fatalf("prometheus not ready within 20 s\n%s", logs.String())
		case <-tick.C:
		}
	}
}

// query is an instant query's single value, or ok false while it has none.
func (p prometheusServer) query(t *testing.T, q string) (value string, ok bool) {
	t.Helper()
	resp, err := http.Get(p.base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.Status != "success" {
		t.Fatalf("query %s: %v, status %q", q, err, doc.Status)
	}
	if len(doc.Data.Result) != 1 {
		return "", false
	}
	v, _ := doc.Data.Result[0].Value[1].(string)
	return v, true
}

// await polls the query until it gives want, for at most within.
func (p prometheusServer) await(t *testing.T, q, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	last := "(no value)"
	for time.Now().Before(deadline) {
		if v, ok := p.query(t, q); ok {
			if v == want {
				return
			}
			last = v
		}
		time.Sleep(200 * time.Millisecond) // Prometheus scrapes every second; nothing to fake
	}
	t.Fatalf("%s = %s after %s, want %s", q, last, within, want)
}

// TestServe_ScrapedByRealPrometheus: serve against the devnet, scraped every second by a real
// Prometheus, whose HTTP API says headprobe_status 0, then 1 once the builder stalls, then 0
// once it resumes.
func TestServe_ScrapedByRealPrometheus(t *testing.T) {
	t.Parallel() // its own devnet, serve and Prometheus: most of its time is waiting for scrapes
	realTool(t, "prometheus", "prometheus")
	net := sealing(t, time.Second) // 1 s blocks, stamped parent + 1 s: the heads stay on the clock
	s := startServe(t, authArgs(net, "--every", "1s", "--interval", "2s")...)
	s.await(t, "/healthz", 200, 15*time.Second)
	p := startPrometheus(t, strings.TrimPrefix(s.base, "http://"))
	p.await(t, `up{job="headprobe"}`, "1", 15*time.Second)
	p.await(t, "headprobe_status", "0", 10*time.Second)

	net.Builder.Stall()
	p.await(t, "headprobe_status", "1", 15*time.Second)
	if v, _ := p.query(t, `headprobe_endpoint_ok{endpoint="builder"}`); v != "0" {
		t.Errorf("builder stalled: headprobe_endpoint_ok{endpoint=builder} = %q, want 0", v)
	}
	net.Builder.Resume()
	p.await(t, "headprobe_status", "0", 15*time.Second)
	if v, ok := p.query(t, "headprobe_state_changes_total"); !ok || v == "0" {
		t.Errorf("headprobe_state_changes_total = %q after two changes", v)
	}
	s.stop(t, os.Interrupt)
}

// TestAlertRules_PassPromtool: the rules file the README gives passes `promtool check rules`
// and its unit test, and the README's copy is the file.
func TestAlertRules_PassPromtool(t *testing.T) {
	bin := realTool(t, "prometheus", "promtool")
	for _, args := range [][]string{{"check", "rules", rulesFile}, {"test", "rules", rulesTestFile}} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	readme := string(testkit.MustRead(t, "README.md"))
	m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(rulesFile) + " -->\n```yaml\n(.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatalf("README.md has no ```yaml block after <!-- %s -->", rulesFile)
	}
	file := string(testkit.MustRead(t, rulesFile))
	if !strings.Contains(file, m[1]) {
		t.Errorf("the README's rules are not those of %s:\n%s", rulesFile, m[1])
	}
}
