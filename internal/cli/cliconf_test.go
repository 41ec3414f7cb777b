package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
)

// hp is a command line for parseCommandLine.
func hp(args ...string) []string { return append([]string{"headprobe"}, args...) }

// mustParse parses a command line that must be accepted.
func mustParse(t *testing.T, args []string, environ map[string]string) *config.Config {
	t.Helper()
	p := parseCommandLine(t, args, environ)
	if p.err != nil {
		t.Fatalf("%q with %v: %v", args, environ, p.err)
	}
	return p.cfg
}

// mustRefuse parses a command line that must be refused, with a one-line reason containing want.
func mustRefuse(t *testing.T, args []string, environ map[string]string, want string) string {
	t.Helper()
	p := parseCommandLine(t, args, environ)
	if p.err == nil {
		t.Fatalf("%q with %v: accepted, want refused with %q", args, environ, want)
	}
	if msg := p.err.Error(); !strings.Contains(msg, want) || strings.ContainsAny(msg, "\r\n") {
		t.Errorf("%q with %v: %q, want one line containing %q", args, environ, msg, want)
	}
	return p.err.Error()
}

func TestEnv_CommandLineWinsWhereverTheFlagStands(t *testing.T) {
	environ := map[string]string{"HEADPROBE_L2": "http://a:1", "HEADPROBE_TIMEOUT": "3s", "HEADPROBE_OUTPUT": "json"}
	for _, args := range [][]string{
		hp("--l2", "http://b:1", "--timeout", "2s", "-o", "nagios", "ready"),
		hp("ready", "--l2", "http://b:1", "--timeout", "2s", "-o", "nagios"),
		hp("--l2", "http://b:1", "health", "--timeout", "2s", "--output", "nagios"),
		hp("--l2", "http://b:1", "--timeout", "2s", "-o", "nagios"),
	} {
		cfg := mustParse(t, args, environ)
		if cfg.Endpoints[0].URL != "http://b:1" || cfg.Timeout != 2*time.Second || cfg.Output != "nagios" {
			t.Errorf("%q: l2 %s, timeout %s, output %s; want the command line's", args, cfg.Endpoints[0].URL, cfg.Timeout, cfg.Output)
		}
	}
	if cfg := mustParse(t, hp("ready"), environ); cfg.Endpoints[0].URL != "http://a:1" || cfg.Timeout != 3*time.Second || cfg.Output != "json" {
		t.Errorf("environment alone: l2 %s, timeout %s, output %s", cfg.Endpoints[0].URL, cfg.Timeout, cfg.Output)
	}
	// A bad variable is irrelevant when the command line gives its flag.
	environ = map[string]string{"HEADPROBE_MIN_BLOCKS": "abc", "HEADPROBE_CHECK_FORK": "maybe", "HEADPROBE_MAX_UNSAFE_INTERVAL": "soon"}
	cfg := mustParse(t, hp("--min-blocks", "2", "--check-fork=false", "health", "--max-unsafe-interval", "5s", "--l2", "http://b:1"), environ)
	if cfg.Check.MinBlocks != 2 || checksFork(cfg) || cfg.Check.MaxAge != 5*time.Second {
		t.Errorf("min blocks %d, check fork %v, max age %s", cfg.Check.MinBlocks, checksFork(cfg), cfg.Check.MaxAge)
	}
	mustRefuse(t, hp("--l2", "http://b:1"), map[string]string{"HEADPROBE_MIN_BLOCKS": "abc"}, `must be a whole number (specified: "abc")`)
}

func TestEvery_AcceptedBeforeTheWatchCommand(t *testing.T) {
	for _, args := range [][]string{hp("--every", "1s", "watch", "--l2", "http://b:1"), hp("watch", "--every", "1s", "--l2", "http://b:1")} {
		if p, err := Parse(args, nil); err != nil || p.Command != "watch" || p.Every != time.Second {
			t.Errorf("%q: %+v, %v; want watch every 1s", args, p, err)
		}
	}
}

func TestEvery_BeforeAOneShotCommandIsWarned(t *testing.T) {
	cfg := mustParse(t, hp("--every", "1s", "ready", "--l2", "http://b:1"), nil)
	if strings.Join(cfg.Warnings, "\n") != "warning: --every is for watch and serve; ready ignores it" {
		t.Errorf("warnings %q", cfg.Warnings)
	}
	if cfg := mustParse(t, hp("ready", "--l2", "http://b:1"), map[string]string{"HEADPROBE_EVERY": "1s"}); len(cfg.Warnings) != 0 {
		t.Errorf("warnings %q for HEADPROBE_EVERY, which one environment block shares with watch", cfg.Warnings)
	}
}

func TestHeader_LineBreakOnTheCommandLineIsRefused(t *testing.T) {
	for _, v := range []string{"X-A: v\r\nX-Injected: 1", "X-A: v\nX-Injected: 1", "X-A: v\r"} {
		msg := mustRefuse(t, hp("--l2", "http://b:1", "--l2-header", "X-Ok: 1", "--l2-header", v), nil, "--l2-header")
		if strings.Contains(msg, "Injected") || strings.Contains(msg, "X-A") {
			t.Errorf("refusal %q echoes the header", msg)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), hp("--l2", "http://127.0.0.1:1", "--l2-header", "X-A: v\r\nX-Injected: 1"), &stdout, &stderr); code != check.Unknown.ExitCode() {
		t.Errorf("exit %d, want %d", code, check.Unknown.ExitCode())
	}
	cfg := mustParse(t, hp("--l2", "http://b:1", "--l2-header", "Authorization: Basic a,b"), nil)
	if got := cfg.Endpoints[0].Opts.Headers.Get("Authorization"); got != "Basic a,b" {
		t.Errorf("header with a comma: %q", got)
	}
}

func TestEnv_EveryValueIsTrimmedAlike(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "jwt.hex")
	testkit.WriteSecret(t, secret, 0o600)
	cfg := mustParse(t, hp(), map[string]string{
		"HEADPROBE_L2": " http://b:1\n", "HEADPROBE_L2_HEADER": "X-Api-Key: abc\n", "HEADPROBE_CHAIN_ID": "901\n",
		"HEADPROBE_MIN_BLOCKS": " 2 ", "HEADPROBE_L2_JWT_SECRET": secret + "\n", "HEADPROBE_TIMEOUT": "2s\n",
		"HEADPROBE_MAX_BUILDER_LAG": "\t3\n", "HEADPROBE_CHECK_FORK": "true\n", "HEADPROBE_OUTPUT": "json\n",
		"HEADPROBE_BUILDER": "http://builder:1 \n",
	})
	if cfg.Endpoints[0].URL != "http://b:1" || cfg.Endpoints[0].Opts.Headers.Get("X-Api-Key") != "abc" || cfg.Check.ChainID != 901 ||
		cfg.Check.MinBlocks != 2 || len(cfg.Endpoints[0].Opts.JWTSecret) == 0 || cfg.Timeout != 2*time.Second ||
		maxLag(cfg) == nil || *maxLag(cfg) != 3 || !checksFork(cfg) || cfg.Output != "json" || cfg.Endpoints[1].URL != "http://builder:1" {
		t.Errorf("trimmed values not taken: %+v", cfg)
	}
	cfg = mustParse(t, hp("--l2", "http://b:1"), map[string]string{"HEADPROBE_L2_HEADER": "\n  X-One: 1,5 \r\n\nX-Two: 2\n"})
	if h := cfg.Endpoints[0].Opts.Headers; h.Get("X-One") != "1,5" || h.Get("X-Two") != "2" || len(h) != 2 {
		t.Errorf("headers from several lines: %v", h)
	}
	mustRefuse(t, hp("--l2", "http://b:1"), map[string]string{"HEADPROBE_L2_JWT_SECRET": "/nonexistent/jwt.hex\n"}, "--l2-jwt-secret")
	mustRefuse(t, hp("--l2", "http://b:1", "--l2-jwt-secret", "/nonexistent/a\nb"), nil, "--l2-jwt-secret")
	mustRefuse(t, hp("--l2", "http://b:1"), map[string]string{"HEADPROBE_CHECK_FORK": "yes"}, `HEADPROBE_CHECK_FORK must be true or false (specified: "yes")`)
}

// TestEnv_MisspeltRequiredVariable_HintsInTheRefusal: the usage error itself carries the hint,
// as the warnings are never printed when the run is refused.
func TestEnv_MisspeltRequiredVariable_HintsInTheRefusal(t *testing.T) {
	mustRefuse(t, hp(), map[string]string{"HEADPROBE_L2_URL": "http://a:1"},
		"--l2 is required (or HEADPROBE_L2) (HEADPROBE_L2_URL is set: did you mean HEADPROBE_L2?)")
	var stdout, stderr bytes.Buffer
	code := Run(config.WithEnvironment(context.Background(), config.ListEnv([]string{"HEADPROBE_L2_URL=http://a:1"})), hp(), &stdout, &stderr)
	if code != check.Unknown.ExitCode() || !strings.Contains(stdout.String(), "did you mean HEADPROBE_L2?") {
		t.Errorf("exit %d, stdout %q: want UNKNOWN with the hint", code, stdout.String())
	}
	if p := parseCommandLine(t, hp(), map[string]string{"HEADPROBE_TIMEOUT": "2s"}); p.err == nil || strings.Contains(p.err.Error(), "did you mean") {
		t.Errorf("no misspelt variable: %v", p.err)
	}
}

func TestEnv_MisspeltVariableIsWarned(t *testing.T) {
	cfg := mustParse(t, hp("--l2", "http://b:1"), map[string]string{
		"HEADPROBE_L2_URL": "http://a:1", "HEADPROBE_MAX_UNSAFE": "5", "HEADPROBE_TIMOUT": "2s", "HEADPROBE_FOO": "1",
		"HEADPROBE_L2_JWT_SECRET_FILE": "/x", "HEADPROBE_L2": "http://c:1", "HEADPROBE_L2_JWT_SECRT": "/y",
	})
	want := []string{
		"warning: HEADPROBE_FOO is not a headprobe variable",
		"warning: HEADPROBE_L2_JWT_SECRET_FILE is not a headprobe variable (did you mean HEADPROBE_L2_JWT_SECRET?)",
		"warning: HEADPROBE_L2_JWT_SECRT is not a headprobe variable (did you mean HEADPROBE_L2_JWT_SECRET?)",
		"warning: HEADPROBE_L2_URL is not a headprobe variable (did you mean HEADPROBE_L2?)",
		"warning: HEADPROBE_MAX_UNSAFE is not a headprobe variable (did you mean HEADPROBE_MAX_UNSAFE_INTERVAL?)",
		"warning: HEADPROBE_TIMOUT is not a headprobe variable (did you mean HEADPROBE_TIMEOUT?)",
	}
	if strings.Join(cfg.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings %q, want %q", cfg.Warnings, want)
	}
}

func TestNumbersAndDurations_OneLineErrors(t *testing.T) {
	mustRefuse(t, hp("--l2", "http://b:1", "--min-blocks", "abc"), nil, `--min-blocks must be a whole number (specified: "abc")`)
	mustRefuse(t, hp("--l2", "http://b:1", "--chain-id", "-1"), nil, `--chain-id must be a whole number (specified: "-1")`)
	mustRefuse(t, hp("--l2", "http://b:1", "--max-builder-lag", "1.5"), nil, `--max-builder-lag must be a whole number`)
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), hp("-o", "json", "--l2", "http://127.0.0.1:1", "--min-blocks", "abc"), &stdout, &stderr); code != check.Unknown.ExitCode() ||
		!strings.Contains(stdout.String(), `"status":"unknown"`) || !strings.Contains(stdout.String(), `--min-blocks must be a whole number`) {
		t.Errorf("exit %d, stdout %s", code, stdout.String())
	}
	cfg := mustParse(t, hp("--l2", "http://b:1", "--max-unsafe-interval", "604800"), nil)
	if cfg.Check.MaxAge != 7*24*time.Hour {
		t.Errorf("max age %s, want 168h", cfg.Check.MaxAge)
	}
	mustRefuse(t, hp("--l2", "http://b:1", "--max-unsafe-interval", "604801"), nil, "--max-unsafe-interval is too long: at most 168h, 604800 seconds")
	mustRefuse(t, hp("--l2", "http://b:1", "--max-unsafe-interval", "99999999999999999999"), nil, "--max-unsafe-interval is too long")
}

// TestDurations_HaveABound: every duration is refused beyond its documented bound (a day for the
// run's and the checks' periods, a week for the ages judged), so no sum of them overflows.
func TestDurations_HaveABound(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{hp("--l2", "http://b:1", "--interval", "2562047h47m16s"), "--interval is too long: at most 24h"},
		{hp("--l2", "http://b:1", "--interval", "9223372036"), "--interval is too long: at most 24h"},
		{hp("--l2", "http://b:1", "--interval", "25h"), "--interval is too long: at most 24h"},
		{hp("--l2", "http://b:1", "--timeout", "86401"), "--timeout is too long: at most 24h"},
		{hp("--l2", "http://b:1", "--timeout", "9999999999999999999999h"), "--timeout is too long"},
		{hp("serve", "--l2", "http://b:1", "--every", "2562047h"), "--every is too long: at most 24h"},
		{hp("watch", "--l2", "http://b:1", "--every", "48h"), "--every is too long: at most 24h"},
		{hp("--l2", "http://b:1", "--max-unsafe-interval", "169h"), "--max-unsafe-interval is too long: at most 168h"},
		{hp("--l2", "http://b:1", "--flashblocks", "ws://f:1", "--max-flashblock-gap", "25h"), "--max-flashblock-gap is too long: at most 24h"},
		{hp("--l2", "http://b:1", "--op-node", "http://o:1", "--max-safe-interval", "200h"), "--max-safe-interval is too long: at most 168h"},
	} {
		mustRefuse(t, tc.args, nil, tc.want)
	}
	cfg := mustParse(t, hp("--l2", "http://b:1", "--interval", "24h", "--timeout", "24h"), nil)
	if b := config.RunBound(cfg); b <= 48*time.Hour {
		t.Errorf("run bound %s at the longest interval and timeout, want just over 48h", b)
	}
	mustParse(t, hp("--l2", "http://b:1", "--max-unsafe-interval", "1.5h"), nil)
}

func TestMinBlocksZero_IsRefusedEverywhere(t *testing.T) {
	for _, args := range [][]string{
		hp("--l2", "http://b:1", "--min-blocks", "0"),
		hp("--l2", "http://b:1", "--min-blocks", "0", "--interval", "5s"),
		hp("--l2", "http://b:1", "--min-blocks", "0", "--state-file", "/tmp/s"),
	} {
		mustRefuse(t, args, nil, "--min-blocks must be at least 1 (specified: 0)")
	}
}

// TestLive_IgnoresTheRulesOfProgress: live judges one sample whatever its age, so the flags it
// ignores (one environment block configures every probe of a pod) can never refuse it, which as a
// liveness probe would restart the client forever.
func TestLive_IgnoresTheRulesOfProgress(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	for _, environ := range []map[string]string{
		{"HEADPROBE_INTERVAL": "500ms"},
		{"HEADPROBE_MIN_BLOCKS": "0"},
		{"HEADPROBE_MAX_STALL": "1m"},
		{"HEADPROBE_STATE_FILE": state, "HEADPROBE_MAX_STALL": "0", "HEADPROBE_MAX_UNSAFE_INTERVAL": "0"},
	} {
		if cfg := mustParse(t, hp("live", "--l2", "http://b:1"), environ); cfg.StateFile != "" {
			t.Errorf("%v: live uses the state file %q", environ, cfg.StateFile)
		}
		mustRefuse(t, hp("ready", "--l2", "http://b:1"), environ, "--")
	}
}

func TestInterval_ShorterThanTimeoutIsRefused(t *testing.T) {
	mustRefuse(t, hp("--l2", "http://b:1", "--interval", "500ms"), nil,
		"--interval 500ms is shorter than --timeout 1s: the window could hold only one sample; use --interval ≥ --timeout")
	for _, args := range [][]string{hp("--l2", "http://b:1", "--interval", "1s"), hp("--l2", "http://b:1", "--interval", "0"), hp("--l2", "http://b:1", "--interval", "500ms", "--timeout", "500ms")} {
		mustParse(t, args, nil)
	}
}

func TestMaxClockSkew_ParsedLikeDurations(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		environ map[string]string
		want    time.Duration
	}{
		{hp("--l2", "http://b:1"), nil, 30 * time.Second},
		{hp("--l2", "http://b:1", "--max-clock-skew", "0"), nil, 0},
		{hp("--l2", "http://b:1", "--max-clock-skew", "5"), nil, 5 * time.Second},
		{hp("--l2", "http://b:1"), map[string]string{"HEADPROBE_MAX_CLOCK_SKEW": "2m\n"}, 2 * time.Minute},
	} {
		if cfg := mustParse(t, tc.args, tc.environ); cfg.Check.MaxClockSkew != tc.want {
			t.Errorf("%q %v: %s, want %s", tc.args, tc.environ, cfg.Check.MaxClockSkew, tc.want)
		}
	}
	mustRefuse(t, hp("--l2", "http://b:1", "--max-clock-skew", "-1s"), nil, "--max-clock-skew must not be negative")
}

func TestIPC_IgnoredFlagsAreWarned(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "jwt.hex")
	testkit.WriteSecret(t, secret, 0o600)
	cfg := mustParse(t, hp("--l2", "/run/geth.ipc", "--l2-jwt-secret", secret, "--l2-header", "X-A: 1", "--tls-server-name", "x"), nil)
	for _, w := range []string{"warning: --l2-jwt-secret is ignored for an IPC endpoint", "warning: --l2-header is ignored for an IPC endpoint", "--tls-* flags are ignored for an IPC endpoint"} {
		if !strings.Contains(strings.Join(cfg.Warnings, "\n"), w) {
			t.Errorf("warnings %q lack %q", cfg.Warnings, w)
		}
	}
	if cfg := mustParse(t, hp("--l2", "http://b:1", "--l2-jwt-secret", secret), nil); len(cfg.Warnings) != 0 {
		t.Errorf("warnings for an HTTP endpoint: %q", cfg.Warnings)
	}
}

func TestHelp_GroupedWithin100ColumnsAndHealthOnlyMarked(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"health", "--help"}, {"ready", "--help"}, {"live", "--help"}, {"watch", "--help"}, {"serve", "--help"}} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), hp(args...), &stdout, &stderr); code != check.Healthy.ExitCode() {
			t.Fatalf("%q: exit %d", args, code)
		}
		help := stdout.String()
		for i, line := range strings.Split(help, "\n") {
			if n := len([]rune(line)); n > helpWidth {
				t.Errorf("%q line %d has %d columns: %q", args, i+1, n, line)
			}
		}
		cats := []string{config.CatEndpoints, config.CatThresholds, config.CatConsistency, config.CatOutput, config.CatTLS, config.CatAcrossRuns}
		switch args[0] {
		case "ready":
			cats = []string{config.CatEndpoints, config.CatThresholds, config.CatOutput, config.CatTLS, config.CatAcrossRuns}
		case "live":
			cats = []string{config.CatEndpoints, config.CatThresholds, config.CatOutput, config.CatTLS}
		}
		for _, cat := range cats {
			if !strings.Contains(help, "\n   "+cat+"\n") {
				t.Errorf("%q: no category %q", args, cat)
			}
		}
	}
	all, _ := config.FlagTable()
	for _, f := range all { // the help's "(health only)" says what the table says
		healthOnly := strings.Contains(f.Usage, "(health only)") || strings.Contains(f.Category, "(health only)")
		if ignored := !f.ReadBy(check.Ready) && !f.ReadBy(check.Live); ignored != healthOnly {
			t.Errorf("--%s: marked health only %v, want %v", f.Name, healthOnly, ignored)
		}
	}
}

// TestConfig_ModeIsKept guards the helpers above: they parse with the real commands.
func TestConfig_ModeIsKept(t *testing.T) {
	if p := parseCommandLine(t, hp("live", "--l2", "http://b:1"), nil); p.err != nil || p.mode != check.Live {
		t.Errorf("live: %v %v", p.mode, p.err)
	}
}

// TestEnv_ParserErrorsUseTheTrimmedOutputVariables: a refusal by the flag parser itself (an unknown
// flag) is in the format of HEADPROBE_OUTPUT, trimmed like every variable.
func TestEnv_ParserErrorsUseTheTrimmedOutputVariables(t *testing.T) {
	t.Setenv("HEADPROBE_OUTPUT", "json\n")
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), hp("--l2", "http://b:1", "--bogus"), &stdout, &stderr); code != check.Unknown.ExitCode() || !strings.HasPrefix(stdout.String(), `{"status":"unknown"`) {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}
