package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/testkit"
)

// The rollup-boost and op-conductor parts on the compiled binary, beside a real L2 and builder.

// partCase is one run of the binary with a part: its exit code, words of its first line, and
// what the JSON document and the textfile must say of the part, named by its JSON key.
type partCase struct {
	name  string
	args  []string
	code  int
	words []string
	// key is the part's JSON key ("rollup_boost", "conductor"); cause its JSON cause ("" passes).
	key, cause string
	// doc, when set, checks the part's JSON object further.
	doc func(t *testing.T, part map[string]any)
}

// run runs the case in text with a textfile, then in JSON, and checks that the exit code, the
// first line, the JSON document and the textfile agree.
func (tc partCase) run(t *testing.T) {
	t.Helper()
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	text := probeRun(t, append(tc.args, "--textfile", prom)...)
	prefix := map[int]string{exitHealthy: "HEALTHY: ", exitPartial: "PARTIAL: ", exitUnavailable: "UNAVAILABLE: "}[tc.code]
	text.expect(t, tc.code, prefix, tc.words...)
	if strings.Count(text.firstLine(), "\x1b") > 0 {
		t.Errorf("escape sequence in the first line %q", text.firstLine())
	}
	data, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	metrics := string(data)
	roleName := strings.ReplaceAll(tc.key, "_", "-")
	for _, want := range []string{"headprobe_status " + string(rune('0'+tc.code)) + "\n", `headprobe_endpoint_ok{endpoint="` + roleName + `"} ` + map[bool]string{true: "1", false: "0"}[tc.cause == ""]} {
		if tc.key != "" && !strings.Contains(metrics, want) {
			t.Errorf("textfile lacks %q:\n%s", want, metrics)
		}
	}
	j := probeRun(t, append(tc.args, "-o", "json")...)
	var doc map[string]any
	if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, j.stdout)
	}
	if j.code != tc.code || doc["exit_code"] != float64(tc.code) {
		t.Errorf("json run exit %d, exit_code %v; want %d", j.code, doc["exit_code"], tc.code)
	}
	if tc.key == "" {
		return
	}
	part, ok := doc[tc.key].(map[string]any)
	if !ok {
		if tc.cause != "" || tc.doc != nil {
			t.Fatalf("no %q object in %s", tc.key, j.stdout)
		}
		return
	}
	if got, _ := part["cause"].(string); got != tc.cause || part["ok"] != (tc.cause == "") {
		t.Errorf("%s cause %q ok %v, want %q", tc.key, got, part["ok"], tc.cause)
	}
	if tc.doc != nil {
		tc.doc(t, part)
	}
}

// field checks one field of a part's JSON object.
func field(name string, want any) func(*testing.T, map[string]any) {
	return func(t *testing.T, part map[string]any) {
		t.Helper()
		if got := part[name]; got != want {
			t.Errorf("%s = %v (%T), want %v", name, got, got, want)
		}
	}
}

// healthz serves one of rollup-boost's answers (probe.rs: OK, Partial Content, Service Unavailable).
func healthz(t *testing.T, status int) string {
	return testkit.StatusServer(t, status, map[int]string{200: "OK", 206: "Partial Content", 503: "Service Unavailable"}[status])
}

// executionMode is rollup-boost's debug server answering debug_getExecutionMode with members.
func executionMode(t *testing.T, members string) string {
	return testkit.NewFakeRPC(map[string]string{"debug_getExecutionMode": members}).Start(t)
}

func TestRollupBoost_EveryCheckBothWays(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	old := oldNode(t, "builder", net.JWTSecretFile)
	base := []string{"--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile, "--max-unsafe-interval", "60", "--timeout", "500ms"}
	fresh := append(append([]string{"health"}, base...), "--builder", net.Builder.AuthURL(), "--builder-jwt-secret", net.JWTSecretFile)
	stale := append(append([]string{"health"}, base...), "--builder", old.HTTPURL())
	with := func(args []string, more ...string) []string { return append(append([]string(nil), args...), more...) }
	for _, tc := range []partCase{
		{name: "200 with a fresh builder", args: with(fresh, "--rollup-boost", healthz(t, 200)), code: exitHealthy,
			words: []string{"rollup-boost reports 200 OK"}, key: "rollup_boost", doc: field("agrees", true)},
		{name: "206 with a fresh builder", args: with(fresh, "--rollup-boost", healthz(t, 206)), code: exitPartial,
			words: []string{"rollup-boost reports 206 Partial Content: its builder is not building"}, key: "rollup_boost", cause: "rollup_boost_partial", doc: field("agrees", false)},
		{name: "206 with a stale builder", args: with(stale, "--rollup-boost", healthz(t, 206)), code: exitPartial,
			words: []string{"builder head #0", "rollup-boost reports 206"}, key: "rollup_boost", cause: "rollup_boost_partial", doc: field("agrees", true)},
		{name: "200 with a stale builder: both shown, the worse counts", args: with(stale, "--rollup-boost", healthz(t, 200)), code: exitPartial,
			words: []string{"builder head #0"}, key: "rollup_boost", doc: func(t *testing.T, p map[string]any) {
				field("agrees", false)(t, p)
				if note, _ := p["note"].(string); !strings.Contains(note, "health_check_interval") {
					t.Errorf("note %q", note)
				}
			}},
		{name: "503", args: with(fresh, "--rollup-boost", healthz(t, 503)), code: exitUnavailable,
			words: []string{"rollup-boost reports 503 Service Unavailable"}, key: "rollup_boost", cause: "rollup_boost_unavailable", doc: field("healthz_status", 503.0)},
		{name: "the user's path is kept", args: with(fresh, "--rollup-boost", healthz(t, 200)+"/custom"), code: exitHealthy, key: "rollup_boost"},
		{name: "refused", args: with(fresh, "--rollup-boost", testkit.RefusedURL(t)), code: exitUnavailable,
			words: []string{"rollup-boost /healthz: connection refused: op-node's Engine API calls go through rollup-boost"}, key: "rollup_boost", cause: "unreachable", doc: field("error_class", "refused")},
		{name: "hang", args: with(fresh, "--rollup-boost", testkit.HangServer(t)), code: exitUnavailable,
			words: []string{"rollup-boost /healthz: timeout"}, key: "rollup_boost", cause: "unreachable", doc: field("error_class", "timeout")},
		{name: "401", args: with(fresh, "--rollup-boost", testkit.StatusServer(t, 401, "")), code: exitUnavailable,
			words: []string{"rollup-boost /healthz: unauthorized (HTTP 401)"}, key: "rollup_boost", cause: "unreachable", doc: field("error_class", "unauthorized")},
		{name: "500", args: with(fresh, "--rollup-boost", testkit.StatusServer(t, 500, "")), code: exitUnavailable,
			words: []string{"rollup-boost /healthz: HTTP 500"}, key: "rollup_boost", cause: "unreachable", doc: field("error_class", "http")},
		{name: "garbage", args: with(fresh, "--rollup-boost", testkit.GarbageServer(t)), code: exitUnavailable,
			words: []string{"rollup-boost /healthz: "}, key: "rollup_boost", cause: "unreachable", doc: field("error_class", "connection")},
		// The execution mode.
		{name: "disabled waives a stale builder", args: with(stale, "--rollup-boost", healthz(t, 200), "--rollup-boost-debug", executionMode(t, `"result":{"execution_mode":"disabled"}`)), code: exitHealthy,
			words: []string{"not counted: rollup-boost's execution mode is disabled", "rollup-boost #292"}, key: "rollup_boost", doc: field("execution_mode", "disabled")},
		{name: "disabled as a bare string", args: with(stale, "--rollup-boost-debug", executionMode(t, `"result":"disabled"`)), code: exitHealthy,
			words: []string{"not counted"}, key: "rollup_boost", doc: field("execution_mode", "disabled")},
		{name: "dry_run counts the builder", args: with(stale, "--rollup-boost-debug", executionMode(t, `"result":{"execution_mode":"dry_run"}`)), code: exitPartial,
			words: []string{"builder head #0"}, key: "rollup_boost", doc: field("execution_mode", "dry_run")},
		{name: "enabled counts the builder", args: with(stale, "--rollup-boost-debug", executionMode(t, `"result":{"execution_mode":"enabled"}`)), code: exitPartial,
			words: []string{"builder head #0"}, key: "rollup_boost", doc: field("execution_mode", "enabled")},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestRollupBoost_DebugFaults: an execution mode that cannot be known leaves the builder counted,
// and health partial with the reason in the first line.
func TestRollupBoost_DebugFaults(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sequencer(t)
	args := authArgs(net, "--max-unsafe-interval", "60", "--timeout", "500ms", "--rollup-boost-debug")
	for _, tc := range []struct {
		name, url, class, words string
	}{
		{"refused", testkit.RefusedURL(t), "refused", "connection refused"},
		{"hang", testkit.HangServer(t), "timeout", "timeout"},
		{"401", testkit.StatusServer(t, 401, ""), "unauthorized", "HTTP 401"},
		{"5xx", testkit.StatusServer(t, 502, "bad gateway"), "http", "HTTP 502"},
		{"garbage", testkit.GarbageServer(t), "connection", ""},
		{"null result", executionMode(t, `"result":null`), "malformed", "result is null"},
		{"-32601", executionMode(t, `"error":{"code":-32601,"message":"Method not found"}`), "rpc_error", "JSON-RPC error -32601"},
		{"wrong type", executionMode(t, `"result":{"execution_mode":7}`), "malformed", "is not a string"},
	} {
		t.Run(tc.name, partCase{args: append(append([]string{"health"}, args...), tc.url), code: exitPartial,
			words: []string{"rollup-boost debug API: ", tc.words, "the execution mode is unknown"}, key: "rollup_boost", cause: "unreachable",
			doc: field("debug_error_class", tc.class)}.run)
	}
}

// TestRollupBoost_ReadyAndLive: ready judges rollup-boost's unavailability (no blocks), not its
// 206 (the builder, which ready ignores); live ignores rollup-boost.
func TestRollupBoost_ReadyAndLive(t *testing.T) {
	net := sequencer(t)
	l2 := []string{"--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile, "--max-unsafe-interval", "60", "--timeout", "500ms"}
	for _, tc := range []partCase{
		{name: "ready 503", args: append(append([]string{"ready"}, l2...), "--rollup-boost", healthz(t, 503)), code: exitUnavailable,
			words: []string{"rollup-boost reports 503"}, key: "rollup_boost", cause: "rollup_boost_unavailable"},
		{name: "ready refused", args: append(append([]string{"ready"}, l2...), "--rollup-boost", testkit.RefusedURL(t)), code: exitUnavailable,
			words: []string{"rollup-boost /healthz: connection refused"}, key: "rollup_boost", cause: "unreachable"},
		{name: "ready 206", args: append(append([]string{"ready"}, l2...), "--rollup-boost", healthz(t, 206)), code: exitHealthy,
			key: "rollup_boost", doc: func(t *testing.T, p map[string]any) {
				if note, _ := p["note"].(string); !strings.Contains(note, "ready does not judge the builder") {
					t.Errorf("note %q", note)
				}
			}},
		{name: "ready 200", args: append(append([]string{"ready"}, l2...), "--rollup-boost", healthz(t, 200)), code: exitHealthy, key: "rollup_boost"},
		{name: "ready with the debug API down", args: append(append([]string{"ready"}, l2...), "--rollup-boost", healthz(t, 200), "--rollup-boost-debug", testkit.RefusedURL(t)), code: exitHealthy, key: "rollup_boost"},
		{name: "live with rollup-boost refused", args: append(append([]string{"live"}, l2...), "--rollup-boost", testkit.RefusedURL(t)), code: exitHealthy},
		{name: "live with rollup-boost 503", args: append(append([]string{"live"}, l2...), "--rollup-boost", healthz(t, 503)), code: exitHealthy},
		{name: "live with the debug API down", args: append(append([]string{"live"}, l2...), "--rollup-boost-debug", testkit.HangServer(t)), code: exitHealthy},
	} {
		t.Run(tc.name, tc.run)
	}
}
