package e2e

import (
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServe_NoSecretInAnyAnswer runs the fault matrix of TestFaults_NoSecretInAnyOutput through
// `headprobe serve`: with a known JWT secret file, user info and a secret query parameter in both
// URLs and a secret header for both endpoints, no answer of any endpoint (bodies in text and JSON,
// headers, /metrics) and no line serve logs holds a secret; a refused configuration exits 3 at
// start, its one line without a secret either.
func TestServe_NoSecretInAnyAnswer(t *testing.T) {
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
		"--every", "200ms",
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
			for _, side := range c.sides() {
				r := c.prepare(t, fx, side, fmDecorate, extra...)
				s, answering := launchServe(t, r.args...)
				shown := func(where, text string) {
					for _, secret := range secrets {
						if strings.Contains(text, secret) {
							t.Errorf("%s %v: %s shows the secret %q:\n%s", side, r.args, where, secret, text)
						}
					}
				}
				if !answering {
					if c.l2 != 3 || c.builder != 3 || s.err == nil {
						t.Errorf("%s: serve exited at start (%v), want it serving; %s", side, s.err, s.output())
					}
					shown("the refusal", s.output())
					continue
				}
				deadline := time.Now().Add(15 * time.Second)
				for a := s.get(t, "/healthz"); strings.HasPrefix(a.body, "UNKNOWN: no verdict yet"); a = s.get(t, "/healthz") {
					if time.Now().After(deadline) {
						t.Fatalf("%s: no verdict within 15 s", side)
					}
					time.Sleep(50 * time.Millisecond) // another process's first check; no clock to fake
				}
				for _, path := range []string{"/healthz", "/healthz?format=json", "/readyz?format=json", "/livez?format=json", "/readyz", "/livez", "/conductor/healthz", "/-/healthy", "/metrics", "/nothing"} {
					a := s.get(t, path)
					if strings.Contains(path, "z") && (a.code < 200 || a.code > 503 || a.code == 500) {
						t.Errorf("%s: GET %s = %d", side, path, a.code)
					}
					var headers strings.Builder
					a.header.Write(&headers)
					shown("GET "+path, fmt.Sprintf("%d\n%s\n%s", a.code, headers.String(), a.body))
				}
				req, _ := http.NewRequest("POST", s.base+"/healthz", strings.NewReader("x"))
				if resp, err := http.DefaultClient.Do(req); err == nil {
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					shown("POST /healthz", string(body))
				}
				s.stop(t, syscall.SIGTERM)
				shown("the log", s.output())
			}
		})
	}
	if cases < 15 {
		t.Errorf("only %d cases ran with secrets, want at least 15", cases)
	}
}
