package e2e

import (
	"os"
	"strings"
	"testing"
)

func TestTLSKey_ReadableByEveryUserIsWarnedLikeAJWTSecret(t *testing.T) {
	dir := t.TempDir()
	pki := newFaultPKI(t, dir)
	url, _ := fmTLS(t, pki.server, pki.clientCAs)
	args := []string{"ready", "--l2", url, "--tls-ca", pki.caFile, "--tls-cert", pki.clientCert, "--tls-key", pki.clientKey}

	if o := probeRun(t, args...); o.code != 0 || strings.Contains(o.stderr, "warning") {
		t.Errorf("a 0600 key: exit %d, stderr %q; want 0 and no warning", o.code, o.stderr)
	}
	if err := os.Chmod(pki.clientKey, 0o644); err != nil {
		t.Fatal(err)
	}
	o := probeRun(t, args...)
	o.expect(t, 0, "HEALTHY: ")
	want := "warning: --tls-key: " + pki.clientKey + " is readable by every user (mode 0644); chmod 600 it\n"
	if o.stderr != want {
		t.Errorf("stderr %q, want %q", o.stderr, want)
	}
}
