package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
)

// targetsYAML writes a targets file and returns its path.
func targetsYAML(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fleetPlan parses a command line over a targets file that must be accepted.
func fleetPlan(t *testing.T, args []string, environ ...string) *Plan {
	t.Helper()
	p, err := Parse(args, environ)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return p
}

func TestTargetsFile_Refusals(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "jwt.hex")
	testkit.WriteSecret(t, secret, 0o600)
	for _, c := range []struct {
		name, file string
		// where the refusal must point
		target, key string
		line        int
		inDefaults  bool
		want        string // part of the one-line reason
	}{
		{"unknown key", "targets:\n  a:\n    l2: http://a:1\n    timout: 1s\n", "a", "timout", 4, false, "did you mean timeout?"},
		{"a run's flag", "targets:\n  a:\n    l2: http://a:1\n    output: json\n", "a", "output", 4, false, "whole run"},
		{"state file per target", "targets:\n  a:\n    l2: http://a:1\n    state-file: /tmp/x\n", "a", "state-file", 4, false, "command line"},
		{"bad duration", "targets:\n  a:\n    l2: http://a:1\n\n    timeout: soon\n", "a", "timeout", 5, false, `--timeout must be a duration`},
		{"bad duration in defaults", "defaults:\n  timeout: 0s\ntargets:\n  a:\n    l2: http://a:1\n", "a", "timeout", 2, true, "--timeout must be greater than zero"},
		{"defaults alone", "defaults:\n  timeout: [1s]\ntargets:\n  a:\n    l2: http://a:1\n", "", "timeout", 2, true, "must be one value"},
		{"bad toggle", "targets:\n  a:\n    l2: http://a:1\n    check-fork: maybe\n", "a", "check-fork", 4, false, `--check-fork must be true or false (specified: "maybe")`},
		{"bad number", "targets:\n  a:\n    l2: http://a:1\n    chain-id: -5\n", "a", "chain-id", 4, false, "whole number"},
		{"bad url", "targets:\n  a:\n    l2: ftp://a:1\n", "a", "l2", 3, false, "--l2"},
		{"window shorter than the timeout", "targets:\n  a:\n    l2: http://a:1\n    timeout: 2s\n    interval: 1s\n", "a", "interval", 5, false, "shorter than --timeout"},
		{"no l2", "targets:\n  a:\n    builder: http://a:1\n", "a", "", 2, false, "--l2 is required"},
		{"missing secret file", "targets:\n  a:\n    l2: http://a:1\n    l2-jwt-secret: /nonexistent/jwt.hex\n", "a", "l2-jwt-secret", 4, false, "/nonexistent/jwt.hex"},
		{"inline secret", "targets:\n  a:\n    l2: http://a:1\n    l2-jwt-secret: " + testkit.Secret + "\n", "a", "l2-jwt-secret", 4, false, "secrets stay in files"},
		{"inline secret 0x", "targets:\n  a:\n    l2: http://a:1\n    builder-jwt-secret: \"0x" + testkit.Secret[:40] + "\"\n", "a", "builder-jwt-secret", 4, false, "secrets stay in files"},
		{"inline key", "targets:\n  a:\n    l2: http://a:1\n    tls-key: |\n      -----BEGIN PRIVATE KEY-----\n      abc\n", "a", "tls-key", 4, false, "secrets stay in files"},
		{"header with a line break", "targets:\n  a:\n    l2: http://a:1\n    l2-header: \"X-A: 1\\nX-Injected: 2\"\n", "a", "l2-header", 4, false, "line break"},
		{"bad header", "targets:\n  a:\n    l2: http://a:1\n    l2-header: [\"X-A 1\"]\n", "a", "l2-header", 4, false, "without a colon"},
		{"null value", "targets:\n  a:\n    l2: http://a:1\n    builder:\n", "a", "builder", 4, false, "has no value"},
		{"mapping value", "targets:\n  a:\n    l2: {url: x}\n", "a", "l2", 3, false, "must be one value"},
		{"bad label", "targets:\n  a:\n    l2: http://a:1\n    labels: {chain-id: x}\n", "a", "labels", 4, false, "not a Prometheus label name"},
		{"reserved label", "targets:\n  a:\n    l2: http://a:1\n    labels: {target: x}\n", "a", "labels", 4, false, "headprobe's own"},
		{"endpoint label", "targets:\n  a:\n    l2: http://a:1\n    labels: {endpoint: x}\n", "a", "labels", 4, false, "headprobe's own"},
		{"key twice", "targets:\n  a:\n    l2: http://a:1\n    l2: http://b:1\n", "a", "", 4, false, `"l2" is given twice (first on line 3)`},
		{"target twice", "targets:\n  a:\n    l2: http://a:1\n  a:\n    l2: http://b:1\n", "", "", 4, false, "given twice"},
		{"bad name", "targets:\n  \"a b\":\n    l2: http://a:1\n", "", "", 2, false, "target name"},
		{"unknown section", "defaults: {}\ntargts:\n  a:\n    l2: http://a:1\n", "", "", 2, false, `unknown section "targts"`},
		{"no targets", "defaults:\n  timeout: 1s\n", "", "", 1, false, "no targets: section"},
		{"empty targets", "targets: {}\n", "", "", 1, false, "must map each target's name"},
		{"a list", "- l2: http://a:1\n", "", "", 1, false, "want a mapping"},
		{"empty file", "", "", "", 0, false, "is empty"},
		{"not yaml", "targets: [\n", "", "", 0, false, "yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := targetsYAML(t, c.file)
			_, err := Parse(hp("health", "--targets", path), nil)
			var te *config.TargetError
			if !errors.As(err, &te) {
				t.Fatalf("%v (%T), want a *config.TargetError", err, err)
			}
			if te.Path != path || te.Target != c.target || te.Key != c.key || te.Line != c.line || te.InDefaults != c.inDefaults {
				t.Errorf("refusal at %s:%d target %q key %q defaults %v, want line %d target %q key %q defaults %v",
					te.Path, te.Line, te.Target, te.Key, te.InDefaults, c.line, c.target, c.key, c.inDefaults)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("%q: want one line containing %q", msg, c.want)
			}
			for _, leak := range []string{testkit.Secret[:16], "PRIVATE KEY", "Injected"} {
				if strings.Contains(msg, leak) {
					t.Errorf("%q echoes the secret or header value %q", msg, leak)
				}
			}
		})
	}
}

func TestTargetsFile_RefusalIsExit3WithOneLine(t *testing.T) {
	for _, args := range [][]string{
		hp("--targets", filepath.Join(t.TempDir(), "missing.yaml")),
		hp("ready", "--targets", targetsYAML(t, "targets:\n  a:\n    l2: http://127.0.0.1:1\n    timeout: x\n")),
		hp("--targets", targetsYAML(t, "targets:\n  a:\n    l2: http://127.0.0.1:1\n"), "--target", "b"),
		hp("--targets", targetsYAML(t, "targets:\n  a:\n    l2: http://127.0.0.1:1\n"), "--max-concurrent", "0"),
		hp("watch", "--targets", targetsYAML(t, "targets:\n  a:\n    l2: http://127.0.0.1:1\n")),
		hp("--target", "a", "--l2", "http://127.0.0.1:1"),
	} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), args, &stdout, &stderr)
		if out := stdout.String(); code != check.Unknown.ExitCode() || !strings.HasPrefix(out, "UNKNOWN: ") || strings.Count(out, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q; want 3 and one UNKNOWN line", args, code, out)
		}
	}
	var stdout bytes.Buffer
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	Run(context.Background(), hp("--targets", missing), &stdout, &bytes.Buffer{})
	if !strings.Contains(stdout.String(), "--targets: cannot read "+missing) {
		t.Errorf("missing file: %q", stdout.String())
	}
}

func TestTargetsFile_Precedence(t *testing.T) {
	// timeout is given by all four layers, interval by three, max-unsafe-interval by two, min-blocks by one.
	path := targetsYAML(t, `defaults:
  timeout: 4s
  interval: 8s
  max-unsafe-interval: 30s
  min-blocks: 2
  labels: {chain: base, role: sequencer}
targets:
  a:
    l2: http://a:1
    timeout: 3s
    interval: 7s
    max-unsafe-interval: 20s
    labels: {role: replica}
  b:
    l2: http://b:1
`)
	env := []string{"HEADPROBE_TIMEOUT=2s", "HEADPROBE_INTERVAL=6s"}
	p := fleetPlan(t, hp("health", "--targets", path, "--timeout", "1s"), env...)
	if len(p.Targets) != 2 {
		t.Fatalf("%d targets", len(p.Targets))
	}
	a, b := p.Targets[0].cfg, p.Targets[1].cfg
	if a.Timeout != time.Second || a.Check.Interval != 6*time.Second || a.Check.MaxAge != 20*time.Second || a.Check.MinBlocks != 2 {
		t.Errorf("a: timeout %s (command line 1s), interval %s (environment 6s), max age %s (target 20s), min blocks %d (defaults 2)",
			a.Timeout, a.Check.Interval, a.Check.MaxAge, a.Check.MinBlocks)
	}
	if b.Timeout != time.Second || b.Check.Interval != 6*time.Second || b.Check.MaxAge != 30*time.Second || b.Check.MinBlocks != 2 {
		t.Errorf("b: timeout %s, interval %s, max age %s (defaults 30s), min blocks %d", b.Timeout, b.Check.Interval, b.Check.MaxAge, b.Check.MinBlocks)
	}
	if a.Endpoints[0].URL != "http://a:1" || b.Endpoints[0].URL != "http://b:1" {
		t.Errorf("urls %s %s", a.Endpoints[0].URL, b.Endpoints[0].URL)
	}
	if got := p.Targets[0].Labels; got["target"] != "a" || got["chain"] != "base" || got["role"] != "replica" || len(got) != 3 {
		t.Errorf("a's labels %v: the target's own over the defaults'", got)
	}
	// Without the command line and the environment, the target's own, then the defaults'.
	p = fleetPlan(t, hp("health", "--targets", path))
	if a := p.Targets[0].cfg; a.Timeout != 3*time.Second || a.Check.Interval != 7*time.Second {
		t.Errorf("a alone: timeout %s interval %s, want the target's 3s 7s", a.Timeout, a.Check.Interval)
	}
	if b := p.Targets[1].cfg; b.Timeout != 4*time.Second || b.Check.Interval != 8*time.Second {
		t.Errorf("b alone: timeout %s interval %s, want the defaults' 4s 8s", b.Timeout, b.Check.Interval)
	}
	if p.Bound != 8*time.Second+4*time.Second+config.DeadlineMargin || p.MaxConcurrent != 16 {
		t.Errorf("the run's bound %s (want the longest target's), max concurrent %d", p.Bound, p.MaxConcurrent)
	}
	// A bad value a higher layer overrides is irrelevant, as for the environment.
	bad := targetsYAML(t, "targets:\n  a:\n    l2: http://a:1\n    timeout: soon\n")
	if p := fleetPlan(t, hp("--targets", bad, "--timeout", "1s")); p.Targets[0].cfg.Timeout != time.Second {
		t.Errorf("timeout %s", p.Targets[0].cfg.Timeout)
	}
	if p := fleetPlan(t, hp("--targets", bad), "HEADPROBE_TIMEOUT=2s"); p.Targets[0].cfg.Timeout != 2*time.Second {
		t.Errorf("timeout %s", p.Targets[0].cfg.Timeout)
	}
	// The targets file comes from the environment too.
	if p := fleetPlan(t, hp("ready"), "HEADPROBE_TARGETS="+path, "HEADPROBE_TARGET=b"); p.Target != "b" || p.Targets != nil || p.Command != "ready" {
		t.Errorf("HEADPROBE_TARGETS, HEADPROBE_TARGET: target %q, %d targets", p.Target, len(p.Targets))
	}
}

func TestTargetsFile_BlankUnsetsTheDefaults(t *testing.T) {
	path := targetsYAML(t, `defaults:
  builder: http://builder:1
  l2-header: ["X-A: 1"]
  max-builder-lag: 5
targets:
  with:
    l2: http://a:1
  without:
    l2: http://b:1
    builder: ""
    l2-header: []
    max-builder-lag: " "
`)
	p := fleetPlan(t, hp("--targets", path))
	with, without := p.Targets[0].cfg, p.Targets[1].cfg
	if len(with.Endpoints) != 2 || with.Endpoints[0].Opts.Headers.Get("X-A") != "1" || maxLag(with) == nil {
		t.Errorf("with: %d endpoints, headers %v, lag %v", len(with.Endpoints), with.Endpoints[0].Opts.Headers, maxLag(with))
	}
	if len(without.Endpoints) != 1 || len(without.Endpoints[0].Opts.Headers) != 0 || maxLag(without) != nil {
		t.Errorf("without: %d endpoints, headers %v, lag %v", len(without.Endpoints), without.Endpoints[0].Opts.Headers, maxLag(without))
	}
}

func TestTargetsFile_ValuesAsTheFlagsTakeThem(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "jwt.hex")
	testkit.WriteSecret(t, secret, 0o600)
	path := targetsYAML(t, `defaults: &d
  timeout: 2
targets:
  a:
    l2: " http://a:1 "
    l2-jwt-secret: `+secret+`
    builder: http://b:1
    builder-header:
      - "Authorization: Basic a,b"
      - "X-Two: 2"
    check-fork: true
    chain-id: 901
    max-builder-lag: 3
`)
	p := fleetPlan(t, hp("--targets", path, "--target", "a"))
	cfg := p.cfg
	if cfg.Endpoints[0].URL != "http://a:1" || len(cfg.Endpoints[0].Opts.JWTSecret) == 0 || cfg.Timeout != 2*time.Second ||
		!checksFork(cfg) || cfg.Check.ChainID != 901 || *maxLag(cfg) != 3 || cfg.Target != "a" {
		t.Errorf("%+v", cfg)
	}
	if h := cfg.Endpoints[1].Opts.Headers; h.Get("Authorization") != "Basic a,b" || h.Get("X-Two") != "2" {
		t.Errorf("builder headers %v", h)
	}
	if !slices.Equal(p.SecretFiles, []string{secret}) || p.Target != "a" || p.Labels["target"] != "a" {
		t.Errorf("plan: secret files %q, target %q, labels %v", p.SecretFiles, p.Target, p.Labels)
	}
}

func TestFleetSummary(t *testing.T) {
	h, p, u, k := check.Healthy, check.Partial, check.Unavailable, check.Unknown
	for _, c := range []struct {
		states []check.State
		want   string
	}{
		{[]check.State{h, h, h}, "3 of 3 healthy"},
		{[]check.State{p, h, u, p}, "2 of 4 partial, 1 unavailable"},
		{[]check.State{u, k, h}, "1 of 3 unavailable, 1 unknown"},
		{[]check.State{k}, "1 of 1 unknown"},
	} {
		if got := app.FleetSummary(c.states); got != c.want {
			t.Errorf("%v: %q, want %q", c.states, got, c.want)
		}
	}
}

func TestTargetsFile_RefusalAsTheREADMEShowsIt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fleet.yaml"), []byte("targets:\n  base-0:\n    l2: http://a:1\n    timout: 1s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var stdout bytes.Buffer
	Run(context.Background(), hp("--targets", "fleet.yaml"), &stdout, &bytes.Buffer{})
	if want := "UNKNOWN: fleet.yaml:4: target \"base-0\", key \"timout\": is not a flag's long name (did you mean timeout?)\n"; stdout.String() != want {
		t.Errorf("%q, want %q", stdout.String(), want)
	}
}
