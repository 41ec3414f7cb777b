package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/testkit"
)

// The fleet's Prometheus recipe: the scrape configuration with the blackbox relabelling, its alert
// rules and their promtool unit test.
const (
	fleetPrometheusFile = "deploy/prometheus/fleet-prometheus.yml"
	fleetRulesFile      = "deploy/prometheus/headprobe-fleet-rules.yaml"
	fleetRulesTestFile  = "deploy/prometheus/headprobe-fleet-rules.test.yaml"
)

// fleetScrapeConfig is the recipe's configuration made to run here: its targets the given
// names, headprobe's address addr, its rules file absolute, a scrape every second.
func fleetScrapeConfig(t *testing.T, addr string, names []string) string {
	t.Helper()
	config := string(testkit.MustRead(t, fleetPrometheusFile))
	rules, err := filepath.Abs(fleetRulesFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ from, to string }{
		{"127.0.0.1:8080", addr},
		{"[base-sepolia-seq-0, op-sepolia-seq-0, op-sepolia-replica-0]", "[" + strings.Join(names, ", ") + "]"},
		{"scrape_interval: 15s", "scrape_interval: 1s"},
		{"scrape_timeout: 10s", "scrape_timeout: 1s"},
		{"evaluation_interval: 15s", "evaluation_interval: 1s"},
		{"- headprobe-fleet-rules.yaml", "- " + rules},
	} {
		if !strings.Contains(config, r.from) {
			t.Fatalf("%s no longer holds %q", fleetPrometheusFile, r.from)
		}
		config = strings.ReplaceAll(config, r.from, r.to)
	}
	return config
}

// TestServeFleet_ScrapedByRealPrometheus: serve --targets with three devnet sequencers, scraped
// by a real Prometheus through the recipe's relabelling: each target has its own headprobe_status,
// and stalling one target's builder changes that target's series alone.
func TestServeFleet_ScrapedByRealPrometheus(t *testing.T) {
	t.Parallel() // its own devnet, serve and Prometheus: most of its time is waiting for scrapes
	realTool(t, "prometheus", "prometheus")
	names := []string{"seq-a", "seq-b", "seq-c"}
	nets := map[string]*devnet.Net{}
	var b strings.Builder
	b.WriteString("defaults: {max-unsafe-interval: 4s, timeout: 500ms}\ntargets:\n")
	for _, name := range names {
		net := sealing(t, time.Second)
		nets[name] = net
		fmt.Fprintf(&b, "  %s:\n    l2: %s\n    builder: %s\n    labels: {chain: %s}\n", name, net.L2.HTTPURL(), net.Builder.HTTPURL(), name)
	}
	path := filepath.Join(t.TempDir(), "targets.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--targets", path)
	p := runPrometheus(t, t.TempDir(), fleetScrapeConfig(t, strings.TrimPrefix(s.base, "http://"), names))
	for _, name := range names {
		p.await(t, fmt.Sprintf(`up{job="headprobe-fleet",instance=%q}`, name), "1", 20*time.Second)
		p.await(t, fmt.Sprintf(`headprobe_status{instance=%q,chain=%q}`, name, name), "0", 15*time.Second)
	}
	nets["seq-b"].Builder.Stall()
	p.await(t, `headprobe_status{instance="seq-b"}`, "1", 20*time.Second)
	for _, q := range []struct{ query, want string }{
		{`headprobe_endpoint_ok{instance="seq-b",endpoint="builder"}`, "0"},
		{`probe_success{instance="seq-b"}`, "0"},
		{`headprobe_status{instance="seq-a"}`, "0"},
		{`headprobe_status{instance="seq-c"}`, "0"},
		{`probe_success{instance="seq-a"}`, "1"},
	} {
		if v, ok := p.query(t, q.query); !ok || v != q.want {
			t.Errorf("seq-b's builder stalled: %s = %q (present %v), want %s", q.query, v, ok, q.want)
		}
	}
	nets["seq-b"].Builder.Resume()
	p.await(t, `headprobe_status{instance="seq-b"}`, "0", 20*time.Second)
}

// TestFleetRules_PassPromtool: the fleet's scrape configuration passes `promtool check config`,
// its rules `promtool check rules` and their unit test, and the README's copies are the files.
func TestFleetRules_PassPromtool(t *testing.T) {
	bin := realTool(t, "prometheus", "promtool")
	for _, args := range [][]string{{"check", "config", fleetPrometheusFile}, {"check", "rules", fleetRulesFile}, {"test", "rules", fleetRulesTestFile}} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	readme := string(testkit.MustRead(t, "README.md"))
	for _, file := range []string{fleetPrometheusFile, fleetRulesFile} {
		m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(file) + " -->\n```yaml\n(.*?)```").FindStringSubmatch(readme)
		if m == nil {
			t.Errorf("README.md has no ```yaml block after <!-- %s -->", file)
			continue
		}
		if !strings.Contains(string(testkit.MustRead(t, file)), m[1]) {
			t.Errorf("the README's copy is not %s:\n%s", file, m[1])
		}
	}
}
