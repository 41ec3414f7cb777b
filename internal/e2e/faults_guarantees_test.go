package e2e

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The guarantees that hold across the fault matrix: no secret is ever printed, the output stays
// small whatever the server sends, and a refused port is reported in milliseconds.

// Known secrets, each put where an operator puts them.
const (
	fmPassword    = "pa55word"     // URL user info
	fmQueryKey    = "Q5ecretQ"     // URL query parameter
	fmHeaderValue = "H3aderSecret" // --l2-header / --builder-header value
)

// fmJWTSecret is the 32-byte JWT secret of the secret file.
var fmJWTSecret = []byte("headprobe-fault-matrix-secret-32")

// fmDecorate adds user info and a secret query parameter to an endpoint URL; an IPC path stays as
// it is, and a bare host:port gets them as the operator would have typed them.
func fmDecorate(raw string) string {
	if strings.HasPrefix(raw, "/") {
		return raw
	}
	if !strings.Contains(raw, "://") {
		return "user:" + fmPassword + "@" + raw + "?apikey=" + fmQueryKey
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.User == nil {
		u.User = url.UserPassword("user", fmPassword)
	}
	q := u.Query()
	q.Set("apikey", fmQueryKey)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestFaults_NoSecretInAnyOutput runs the whole matrix (but the interruptions and the cases that
// bring their own secret file) with a known JWT secret file, user info and a secret query
// parameter in both URLs, and a secret header for both endpoints, in text, JSON and quiet modes:
// no secret, no hex of the JWT secret, and no signed token appears on stdout or stderr.
func TestFaults_NoSecretInAnyOutput(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	fx := newFaultFixture(t)
	secretFile := filepath.Join(t.TempDir(), "jwt.hex")
	secretHex := hex.EncodeToString(fmJWTSecret)
	if err := os.WriteFile(secretFile, []byte("0x"+secretHex+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := []string{fmPassword, fmQueryKey, fmHeaderValue, secretHex, string(fmJWTSecret), "eyJ"} // eyJ: a JWT
	extra := []string{
		"--l2-jwt-secret", secretFile, "--builder-jwt-secret", secretFile,
		"--l2-header", "X-Api-Key: " + fmHeaderValue, "--builder-header", "X-Api-Key: " + fmHeaderValue,
		// The builder's blocks are read through the L2's client, with its secrets (#22).
		"--builder-signer", "0x000000000000000000000000000000000000b1d0",
	}
	cases := 0
	for _, c := range faultMatrix() {
		if c.signal != nil || strings.HasPrefix(c.situation, "JWT secret") { // interrupted, or a secret file of its own
			continue
		}
		cases++
		t.Run(c.situation, func(t *testing.T) {
			t.Parallel()
			if c.skip != nil {
				if why := c.skip(); why != "" {
					t.Skip(why)
				}
			}
			var runs []faultRun
			for _, side := range c.sides() {
				for _, mode := range [][]string{{"-o", "text"}, {"-o", "json"}, {"-q"}} {
					runs = append(runs, c.prepare(t, fx, side, fmDecorate, append(slices.Clone(extra), mode...)...))
				}
			}
			var wg sync.WaitGroup
			for _, r := range runs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					o := c.exec(t, fx, r)
					want := r.code
					if want == exitHealthy { // no L2 block here carries the builder's transaction (the fakes' blocks none at all)
						want = exitPartial
					}
					if o.code != want {
						t.Errorf("%s %v: exit %d, want %d", r.side, r.args, o.code, want)
					}
					quiet := slices.Contains(r.args, "-q")
					if quiet && o.stdout+o.stderr != "" {
						t.Errorf("%s: -q printed %q %q", r.side, o.stdout, o.stderr)
					}
					if !quiet && o.stdout == "" {
						t.Errorf("%s: printed nothing", r.side)
					}
					for _, s := range secrets {
						if strings.Contains(o.stdout, s) || strings.Contains(o.stderr, s) {
							t.Errorf("%s %v: the output shows the secret %q:\n%s%s", r.side, r.args, s, o.stdout, o.stderr)
						}
					}
				}()
			}
			wg.Wait()
		})
	}
	if cases < 15 {
		t.Errorf("only %d cases ran with secrets, want at least 15", cases)
	}
}

// TestFaults_OutputStaysBounded: megabytes of error text from a server make a few hundred bytes
// of output, far under the 10 KiB the kubelet keeps of a probe's output.
func TestFaults_OutputStaysBounded(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	fx := newFaultFixture(t)
	const mib = 1 << 20
	words := strings.Repeat("the node is not feeling well today ", mib/35)
	for _, c := range []faultCase{
		{situation: "1 MiB JSON-RPC error message", serve: fmRPC(fmRPCError(-32000, words)), l2: 2, builder: 1, reason: "JSON-RPC error -32000"},
		{situation: "1 MiB JSON-RPC error message without a space", serve: fmRPC(fmRPCError(-32603, strings.Repeat("x", mib))), l2: 2, builder: 1, reason: "JSON-RPC error -32603"},
		{situation: "1 MiB HTML 500 page", serve: fmStatus(500, "text/html", "<!DOCTYPE html><html><body>"+strings.Repeat("<p>Internal Server Error</p>\n", mib/29)+"</body></html>"), l2: 2, builder: 1, reason: "HTTP 500"},
		{situation: "1 MiB plain-text 503", serve: fmStatus(503, "text/plain", words), l2: 2, builder: 1, reason: "HTTP 503"},
		{situation: "1 MiB 401 body", serve: fmStatus(401, "text/plain", words), l2: 2, builder: 1, reason: "unauthorized"},
	} {
		t.Run(c.situation, func(t *testing.T) {
			t.Parallel()
			for _, side := range c.sides() {
				// A megabyte of error text can take a loaded machine more than the default
				// second to serve and read; what this test bounds is the output.
				r := c.prepare(t, fx, side, nil, "--timeout", "5s")
				o := c.exec(t, fx, r)
				o.expect(t, r.code, fmPrefix(r.code, side), c.reason)
				if n := len(o.stdout) + len(o.stderr); n >= 2<<10 {
					t.Errorf("%s: %d bytes of output, want < 2 KiB", side, n)
				}
				if n := len(o.firstLine()); n > 400 {
					t.Errorf("%s: first line of %d bytes", side, n)
				}
				j := c.exec(t, fx, c.prepare(t, fx, side, nil, "--timeout", "5s", "-o", "json"))
				if n := len(j.stdout) + len(j.stderr); n >= 4<<10 {
					t.Errorf("%s: %d bytes of JSON, want < 4 KiB", side, n)
				}
			}
		})
	}
}

// TestFaults_RefusedPortFailsInMilliseconds: with a 10 s timeout, a refused port is reported in
// milliseconds of probe work, and the whole process (start included) ends far below the timeout.
// The process times are only logged: start-up on a loaded machine is the bench's to measure (P6).
func TestFaults_RefusedPortFailsInMilliseconds(t *testing.T) {
	addr := fmClosedPort(t)
	var walls []time.Duration
	var work time.Duration
	for i := 0; i < 5; i++ {
		o := faultExec(t, "--l2", "http://"+addr, "--timeout", "10s", "-o", "json")
		if o.code != 2 || o.doc == nil || o.doc.L2 == nil || o.doc.L2.ErrorClass != "refused" {
			t.Fatalf("exit %d, %s", o.code, o.stdout)
		}
		walls = append(walls, o.wall)
		work = max(work, time.Duration(o.doc.DurationSeconds*float64(time.Second)))
	}
	slices.Sort(walls)
	median := walls[len(walls)/2]
	t.Logf("refused port: probe work at most %s; process wall min %s, median %s, max %s",
		work.Round(time.Microsecond), walls[0].Round(time.Microsecond), median.Round(time.Microsecond), walls[len(walls)-1].Round(time.Microsecond))
	if work >= fmRefusedBound {
		t.Errorf("the probe worked %s on a refused port, want < %s", work, fmRefusedBound)
	}
	if walls[len(walls)-1] >= fmStartSlack {
		t.Errorf("a refused port took %s with a 10s timeout, want < %s (process start included)", walls[len(walls)-1], fmStartSlack)
	}
}

// fmEchoPath answers every request with HTTP 404 naming the path it was sent, as a gateway's
// error page does.
func fmEchoPath(hits *faultHits) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		http.Error(w, "no route for "+r.URL.EscapedPath(), http.StatusNotFound)
	}
}

// TestFaults_NoPathSecretInAnyOutput (issue #18): the no-secret matrix's rows for credentials in
// the URL's path: a matrix parameter, and short token segments. Whether the endpoint is healthy,
// refused, or echoes the path in its error page, the secret is never on stdout or stderr, in text,
// JSON or quiet mode, as the L2 or as the builder, nor in anything `serve` answers or logs.
func TestFaults_NoPathSecretInAnyOutput(t *testing.T) {
	t.Parallel() // waits on servers: overlaps the others
	paths := []struct{ path, secret string }{
		{"/x;apikey=topsecret", "topsecret"},
		{"/rpc;apikey=topsecret", "topsecret"},
		{"/rpc/mysecrettoken", "mysecrettoken"},
		{"/v2/AbCdEf1234", "AbCdEf1234"},
	}
	for _, c := range []faultCase{
		{situation: "healthy", serve: fmRPC(fmFresh), l2: 0, builder: 0},
		{situation: "refused", serve: fmRefused, l2: 2, builder: 1},
		{situation: "404 echoing the path", serve: fmHandler(fmEchoPath), l2: 2, builder: 1},
	} {
		for _, p := range paths {
			t.Run(c.situation+" "+p.path, func(t *testing.T) {
				t.Parallel()
				shown := func(where, text string) {
					if strings.Contains(text, p.secret) {
						t.Errorf("%s shows the secret %q:\n%s", where, p.secret, text)
					}
				}
				for _, side := range c.sides() {
					ep := c.serve(t, nil)
					args := []string{"--l2", ep.url + p.path}
					if side == "builder" {
						args = []string{"--l2", fmRPC(fmFresh)(t, nil).url, "--builder", ep.url + p.path}
					}
					for _, mode := range [][]string{{"-o", "text"}, {"-o", "json"}, {"-q"}} {
						o := faultExec(t, append(slices.Clone(args), mode...)...)
						if o.code != c.code(side) {
							t.Errorf("%s %v: exit %d, want %d", side, mode, o.code, c.code(side))
						}
						shown(fmt.Sprintf("%s %v", side, mode), o.stdout+o.stderr)
					}
					s, answering := launchServe(t, append(slices.Clone(args), "--every", "200ms")...)
					if !answering {
						t.Fatalf("%s: serve did not start: %s", side, s.output())
					}
					deadline := time.Now().Add(15 * time.Second)
					for a := s.get(t, "/healthz"); strings.HasPrefix(a.body, "UNKNOWN: no verdict yet"); a = s.get(t, "/healthz") {
						if time.Now().After(deadline) {
							t.Fatalf("%s: no verdict within 15 s", side)
						}
						time.Sleep(50 * time.Millisecond) // another process's first check; no clock to fake
					}
					for _, path := range []string{"/healthz", "/healthz?format=json", "/metrics"} {
						a := s.get(t, path)
						shown(side+" serve GET "+path, a.body)
					}
					s.stop(t, syscall.SIGTERM)
					shown(side+" serve's log", s.output())
				}
			})
		}
	}
}
