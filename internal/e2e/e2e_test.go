package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/testkit"
)

// The exit codes, as main.go's doc comment and the README give them.
const (
	exitHealthy     = 0
	exitPartial     = 1
	exitUnavailable = 2
	exitUnknown     = 3
)

// binary is the compiled headprobe, built once for the end-to-end tests.
var binary string

// TestMain builds headprobe and runs the tests from the module root, so that they name the
// repository's files (README.md, testdata/…) as the README does.
func TestMain(m *testing.M) {
	// Most of these tests wait: on the binary's timeouts, on servers that hang, on Prometheus's
	// scrapes. Four at a time (not GOMAXPROCS, 2 here) keeps `go test ./...` within two minutes
	// on 2 cores; an explicit -parallel wins.
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(max(4, runtime.GOMAXPROCS(0))))
	}
	// The real Prometheus tools, when not installed, are built before the tests start: outside
	// their timeout, so that a cold build (minutes) cannot time a test out.
	if err := testkit.BuildTools(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := samejsonSetup(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := testkit.RunWithBinary(m, &binary)
	samejsonSummary()
	os.Exit(code)
}

// outcome is one run of the compiled binary.
type outcome struct {
	code           int
	stdout, stderr string
	wall           time.Duration
}

// firstLine is the verdict line.
func (o outcome) firstLine() string {
	line, _, _ := strings.Cut(o.stdout, "\n")
	return line
}

// probeRun runs the compiled binary with args and a clean environment (and, in the comparison
// mode, the old binary beside it: see samejson_test.go).
func probeRun(t *testing.T, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Start()
	pair := (*samejsonPair)(nil)
	if err == nil {
		pair = samejsonBeside(args, cmd.Env)
		err = cmd.Wait()
	}
	o := outcome{stdout: stdout.String(), stderr: stderr.String(), wall: time.Since(start)}
	if pair != nil {
		defer pair.compare(t, o.stdout)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		o.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running headprobe: %v", err)
	}
	t.Logf("headprobe %s\n-> exit %d in %s\n%s%s", strings.Join(args, " "), o.code, o.wall.Round(time.Millisecond), o.stdout, o.stderr)
	return o
}

// duration is the probe's own duration_seconds, from the JSON document of a -o json run.
func (o outcome) duration(t *testing.T) time.Duration {
	t.Helper()
	var doc struct {
		DurationSeconds *float64 `json:"duration_seconds"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil || doc.DurationSeconds == nil {
		t.Fatalf("no duration_seconds in the JSON (%v):\n%s", err, o.stdout)
	}
	return time.Duration(*doc.DurationSeconds * float64(time.Second))
}

// expect checks the exit code and that the first line starts with prefix and contains every part.
func (o outcome) expect(t *testing.T, code int, prefix string, parts ...string) {
	t.Helper()
	if o.code != code {
		t.Errorf("exit code %d, want %d", o.code, code)
	}
	line := o.firstLine()
	if !strings.HasPrefix(line, prefix) {
		t.Errorf("first line %q does not start with %q", line, prefix)
	}
	for _, p := range parts {
		if !strings.Contains(line, p) {
			t.Errorf("first line %q does not contain %q", line, p)
		}
	}
}

// sequencer starts an L2 and a builder sealing on demand, both with one fresh block.
func sequencer(t *testing.T) *devnet.Net {
	t.Helper()
	net, err := devnet.Start(devnet.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	seal(t, net.L2, net.Builder)
	return net
}

func seal(t *testing.T, nodes ...*devnet.Node) {
	t.Helper()
	for _, n := range nodes {
		if err := n.Seal(); err != nil {
			t.Fatal(err)
		}
	}
}

// authArgs probes both nodes on their JWT-authenticated Engine-API ports, as rollup-boost does.
func authArgs(net *devnet.Net, extra ...string) []string {
	return append([]string{
		"--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile,
		"--builder", net.Builder.AuthURL(), "--builder-jwt-secret", net.JWTSecretFile,
	}, extra...)
}

// oldNode starts a node whose only block is a genesis an hour old: a chain that stopped long ago.
func oldNode(t *testing.T, name, secretFile string) *devnet.Node {
	t.Helper()
	n, err := devnet.StartNode(devnet.NodeConfig{Name: name, GenesisTime: time.Now().Add(-time.Hour), JWTSecretFile: secretFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func TestBothProgressing_IsHealthy(t *testing.T) {
	net := sequencer(t)
	o := probeRun(t, append([]string{"health"}, authArgs(net)...)...)
	o.expect(t, 0, "HEALTHY: ", "l2 head #1", "builder head #1")
	if strings.Count(o.stdout, "\n") != 3 {
		t.Errorf("want a headline and one line per endpoint, got:\n%s", o.stdout)
	}
}

func TestNoCommand_IsHealthAndFlagsBeforeCommandWork(t *testing.T) {
	net := sequencer(t)
	probeRun(t, authArgs(net)...).expect(t, 0, "HEALTHY: ", "builder head #1")
	probeRun(t, append(authArgs(net), "health")...).expect(t, 0, "HEALTHY: ", "builder head #1")
}

func TestConfiguredFromEnvironment_IsHealthy(t *testing.T) {
	net := sequencer(t)
	cmd := exec.Command(binary, "health")
	cmd.Env = []string{
		"HEADPROBE_L2=" + net.L2.AuthURL(), "HEADPROBE_L2_JWT_SECRET=" + net.JWTSecretFile,
		"HEADPROBE_BUILDER=" + net.Builder.HTTPURL(), "HEADPROBE_MAX_UNSAFE_INTERVAL=30",
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "HEALTHY: ") {
		t.Errorf("output %q", out)
	}
}

func TestBuilderStalledLongAgo_IsPartial(t *testing.T) {
	net := sequencer(t)
	builder := oldNode(t, "builder", net.JWTSecretFile)
	o := probeRun(t, "--l2", net.L2.AuthURL(), "--l2-jwt-secret", net.JWTSecretFile, "--builder", builder.HTTPURL())
	o.expect(t, 1, "PARTIAL: builder head #0 is 1h0m", "(max 10s)")
}

func TestBuilderStalls_IsPartialWithinTheWindow(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net := sealing(t, 200*time.Millisecond)
	net.Builder.Stall()
	o := probeRun(t, authArgs(net, "--interval", "600ms", "--timeout", "600ms")...)
	o.expect(t, 1, "PARTIAL: builder head stuck at #")
	// Stuck for the whole window: 600 ms and the last sample's lateness (more on a loaded machine).
	if m := regexp.MustCompile(`stuck at #\d+ for (\S+) `).FindStringSubmatch(o.firstLine()); m == nil {
		t.Errorf("first line %q: no stuck duration", o.firstLine())
	} else if d, err := time.ParseDuration(m[1]); err != nil || d < 600*time.Millisecond || d > 900*time.Millisecond {
		t.Errorf("first line %q: stuck for %s, want the 600ms window (up to 900ms)", o.firstLine(), m[1])
	}
	j := probeRun(t, authArgs(net, "--interval", "600ms", "--timeout", "600ms", "-o", "json")...)
	if bound, d := 600*time.Millisecond+600*time.Millisecond+300*time.Millisecond, j.duration(t); j.code != 1 || d > bound {
		t.Errorf("json run: exit %d, the probe measured %s; want exit 1 within interval + timeout + 300ms = %s", j.code, d, bound)
	}
	for _, run := range []outcome{o, j} {
		if bound := 600*time.Millisecond + 600*time.Millisecond + fmStartSlack; run.wall > bound {
			t.Errorf("the process took %s, beyond interval + timeout + %s of start-up", run.wall, fmStartSlack)
		}
	}
	net.Builder.Resume()
	probeRun(t, authArgs(net, "--interval", "600ms", "--timeout", "600ms")...).expect(t, 0, "HEALTHY: ")
}

func TestBothSealing_AnswersAsSoonAsTheyAdvance(t *testing.T) {
	net := sealing(t, 200*time.Millisecond)
	o := probeRun(t, authArgs(net, "--interval", "10s", "--min-blocks", "2")...)
	o.expect(t, 0, "HEALTHY: ")
	// Sampled every 100 ms, a head sealed every 200 ms has advanced by 2 or, on a loaded machine, more.
	if advances := regexp.MustCompile(`\+([2-9]|[1-9][0-9]+) in `).FindAllString(o.firstLine(), -1); len(advances) != 2 {
		t.Errorf("first line %q: want both heads +2 or more", o.firstLine())
	}
	if o.wall > time.Second+fmStartSlack {
		t.Errorf("a 10 s window with blocks every 200 ms took %s: no early verdict", o.wall)
	}
}

func TestBuilderStopped_IsPartial_AndBackIsHealthyOnNextRun(t *testing.T) {
	net := sequencer(t)
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	probeRun(t, authArgs(net)...).expect(t, 1, "PARTIAL: builder connection refused")
	probeRun(t, append([]string{"ready"}, authArgs(net)...)...).expect(t, 0, "HEALTHY: l2 head #1")

	if err := net.Builder.Restart(); err != nil {
		t.Fatal(err)
	}
	seal(t, net.Builder)
	probeRun(t, authArgs(net)...).expect(t, 0, "HEALTHY: ", "builder head #")
}

func TestL2Stalls_IsUnavailable(t *testing.T) {
	net := sealing(t, 200*time.Millisecond)
	net.L2.Stall()
	o := probeRun(t, authArgs(net, "--interval", "400ms", "--timeout", "400ms")...)
	o.expect(t, 2, "UNAVAILABLE: l2 head stuck at #", "for 4")
}

func TestL2StalledLongAgo_IsUnavailable_ButLive(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "jwt.hex")
	if err := devnet.WriteSecretFile(secret, bytes.Repeat([]byte{7}, 32)); err != nil {
		t.Fatal(err)
	}
	l2 := oldNode(t, "l2", secret)
	args := []string{"--l2", l2.AuthURL(), "--l2-jwt-secret", secret}
	probeRun(t, append([]string{"health"}, args...)...).expect(t, 2, "UNAVAILABLE: l2 head #0 is 1h0m")
	probeRun(t, append([]string{"ready"}, args...)...).expect(t, 2, "UNAVAILABLE: l2 head #0 is 1h0m")
	probeRun(t, append([]string{"live"}, args...)...).expect(t, 0, "HEALTHY: l2 answers with head #0")
}

func TestL2Down_IsNotLive(t *testing.T) {
	net := sequencer(t)
	if err := net.L2.Stop(); err != nil {
		t.Fatal(err)
	}
	o := probeRun(t, "live", "--l2", net.L2.HTTPURL())
	o.expect(t, 2, "UNAVAILABLE: l2 connection refused")
	j := probeRun(t, "live", "--l2", net.L2.HTTPURL(), "-o", "json")
	if d := j.duration(t); j.code != 2 || d > fmRefusedBound {
		t.Errorf("json run: exit %d, the probe measured %s on a refused port; want exit 2 within %s", j.code, d, fmRefusedBound)
	}
	if o.wall > fmStartSlack {
		t.Errorf("a refused port took %s of process wall time, want < %s", o.wall, fmStartSlack)
	}
}

func TestWrongJWTSecret_SaysCheckTheSecret(t *testing.T) {
	net := sequencer(t)
	wrong := filepath.Join(t.TempDir(), "wrong.hex")
	if err := devnet.WriteSecretFile(wrong, bytes.Repeat([]byte{1}, 32)); err != nil {
		t.Fatal(err)
	}
	probeRun(t, "--l2", net.L2.AuthURL(), "--l2-jwt-secret", wrong).expect(t, 2, "UNAVAILABLE: l2 unauthorized", "check the JWT secret")
	probeRun(t, "--l2", net.L2.AuthURL()).expect(t, 2, "UNAVAILABLE: l2 unauthorized", "no credentials were sent: an Engine-API port wants a JWT secret")
}

func TestUsageErrors_AreUnknown(t *testing.T) {
	dir := t.TempDir()
	notHex := filepath.Join(dir, "jwt.hex")
	if err := os.WriteFile(notHex, []byte("not a secret at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no l2", []string{"health"}, "--l2 is required"},
		{"bare host:port", []string{"--l2", "127.0.0.1:8545"}, "did you mean http://127.0.0.1:8545"},
		{"unknown scheme", []string{"--l2", "ftp://127.0.0.1:8545"}, `unsupported scheme "ftp"`},
		{"missing secret file", []string{"--l2", "http://127.0.0.1:1", "--l2-jwt-secret", filepath.Join(dir, "nope")}, "--l2-jwt-secret: cannot read"},
		{"secret not hex", []string{"--l2", "http://127.0.0.1:1", "--l2-jwt-secret", notHex}, "is not hex"},
		{"unknown flag", []string{"--l2", "http://127.0.0.1:1", "--bogus"}, "flag provided but not defined"},
		{"unknown command", []string{"healthz", "--l2", "http://127.0.0.1:1"}, `unexpected argument "healthz"`},
		{"bad duration", []string{"--l2", "http://127.0.0.1:1", "--timeout", "soon"}, "--timeout must be a duration"},
		{"zero timeout", []string{"--l2", "http://127.0.0.1:1", "--timeout", "0"}, "--timeout must be greater than zero"},
		{"bad output", []string{"--l2", "http://127.0.0.1:1", "-o", "xml"}, "--output must be text, json or nagios"},
		{"port out of range", []string{"live", "--l2", "http://127.0.0.1:99999"}, `--l2 "http://127.0.0.1:99999" has port 99999, want 1 to 65535`},
		{"header value with a control byte", []string{"live", "--l2", "http://127.0.0.1:1", "--l2-header", "X-A: a\x01b"}, `--l2-header: the value of "X-A" contains a control character`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := probeRun(t, tc.args...)
			o.expect(t, 3, "UNKNOWN: ", tc.want)
			if strings.Contains(o.stdout+o.stderr, "not a secret at all") {
				t.Error("the secret file's content was printed")
			}
			if strings.Contains(o.stdout+o.stderr, "a\x01b") {
				t.Error("the header's value was printed")
			}
		})
	}
}

func TestJSONOutput_AgreesWithExitCode(t *testing.T) {
	net := sequencer(t)
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		code   int
		status string
	}{
		{[]string{"health", "-o", "json"}, 1, "partial"},
		{[]string{"ready", "-o", "json"}, 0, "healthy"},
	} {
		o := probeRun(t, append(tc.args, authArgs(net)...)...)
		var doc struct {
			Status   string `json:"status"`
			ExitCode int    `json:"exit_code"`
			Command  string `json:"command"`
			L2       *struct {
				OK   bool `json:"ok"`
				Head *struct {
					Number uint64 `json:"number"`
					Hash   string `json:"hash"`
				} `json:"head"`
			} `json:"l2"`
			Builder *struct {
				OK         bool   `json:"ok"`
				ErrorClass string `json:"error_class"`
			} `json:"builder"`
		}
		if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, o.stdout)
		}
		if o.code != tc.code || doc.ExitCode != o.code || doc.Status != tc.status {
			t.Errorf("exit %d, json exit_code %d status %q; want %d %q", o.code, doc.ExitCode, doc.Status, tc.code, tc.status)
		}
		if doc.L2 == nil || !doc.L2.OK || doc.L2.Head == nil || doc.L2.Head.Number != 1 || len(doc.L2.Head.Hash) != 66 {
			t.Errorf("l2 in json: %+v", doc.L2)
		}
		if tc.status == "partial" && (doc.Builder == nil || doc.Builder.OK || doc.Builder.ErrorClass != "refused") {
			t.Errorf("builder in json: %+v", doc.Builder)
		}
		if tc.status == "healthy" && doc.Builder != nil {
			t.Errorf("ready must not report a builder: %+v", doc.Builder)
		}
	}
}

func TestQuiet_PrintsNothing(t *testing.T) {
	net := sequencer(t)
	o := probeRun(t, authArgs(net, "-q")...)
	if o.code != 0 || o.stdout != "" || o.stderr != "" {
		t.Errorf("quiet run: exit %d, stdout %q, stderr %q", o.code, o.stdout, o.stderr)
	}
}

// sealing starts an L2 and a builder that each seal a block every period, and waits for their
// first blocks. The devnet stamps each block a second after its parent, so a period under a
// second runs the heads ahead of the clock (4 s per second at 200 ms): tests keep it short, within
// --max-clock-skew.
func sealing(t *testing.T, period time.Duration) *devnet.Net {
	t.Helper()
	net, err := devnet.Start(devnet.Options{Dir: t.TempDir(), Period: period})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for _, n := range []*devnet.Node{net.L2, net.Builder} {
		for number, _, _ := n.Head(); number == 0; number, _, _ = n.Head() {
			if time.Now().After(deadline) {
				t.Fatal("no block sealed within 10s")
			}
			time.Sleep(10 * time.Millisecond) // polling a real node's first block; no clock to fake here
		}
	}
	return net
}

func TestParserErrors_HonourQuietJSONAndTextfile(t *testing.T) {
	if o := probeRun(t, "-q", "--bogus"); o.code != 3 || o.stdout != "" || o.stderr != "" {
		t.Errorf("-q --bogus: exit %d, stdout %q, stderr %q", o.code, o.stdout, o.stderr)
	}
	o := probeRun(t, "--output=json", "--l2", "http://127.0.0.1:1", "--min-blocks", "x")
	var doc struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil || o.code != 3 || doc.Status != "unknown" || !strings.Contains(doc.Reason, "min-blocks") {
		t.Errorf("json refusal: exit %d, %q, %v", o.code, o.stdout, err)
	}
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	probeRun(t, "-q", "--textfile", prom, "--bogus")
	if data, err := os.ReadFile(prom); err != nil || !strings.Contains(string(data), "headprobe_status 3") {
		t.Errorf("textfile after a parser error: %v\n%s", err, data)
	}
}

func TestHeaders_WithCommasAndSeveralFromTheEnvironment(t *testing.T) {
	seen := make(chan http.Header, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	probeRun(t, "--l2", srv.URL, "--l2-header", "Authorization: Basic a,b", "--l2-header", "X-One: 1")
	if h := <-seen; h.Get("Authorization") != "Basic a,b" || h.Get("X-One") != "1" {
		t.Errorf("headers from flags: %v", h)
	}
	cmd := exec.Command(binary, "--l2", srv.URL)
	cmd.Env = []string{"HEADPROBE_L2_HEADER=X-One: 1,5\nX-Two: 2"}
	if out, _ := cmd.CombinedOutput(); !strings.HasPrefix(string(out), "UNAVAILABLE: l2 HTTP 503") {
		t.Errorf("output %q", out)
	}
	if h := <-seen; h.Get("X-One") != "1,5" || h.Get("X-Two") != "2" {
		t.Errorf("headers from the environment: %v", h)
	}
}
