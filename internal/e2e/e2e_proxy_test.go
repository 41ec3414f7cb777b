package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestProxyRefusing_NamesTheProxy (issue #8): with HTTP_PROXY or HTTPS_PROXY naming a proxy that
// refuses connections, the reason names the proxy by its address, never its credentials, and does
// not say the endpoint refused.
func TestProxyRefusing_NamesTheProxy(t *testing.T) {
	proxy := fmClosedPort(t)
	for _, tc := range []struct{ env, url string }{
		{"HTTP_PROXY", "http://node.example.invalid:8545"},
		{"HTTPS_PROXY", "https://node.example.invalid:8545"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			cmd := exec.Command(binary, "--l2", tc.url, "-o", "text")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), tc.env + "=http://proxyuser:Pr0xyPassw0rd@" + proxy}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("run: %v", err)
			}
			o := outcome{code: exit.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
			t.Logf("exit %d\n%s%s", o.code, o.stdout, o.stderr)
			o.expect(t, 2, "UNAVAILABLE: l2 proxy "+proxy+" refused the connection")
			if s := o.stdout + o.stderr; strings.Contains(s, "Pr0xy") || strings.Contains(s, "proxyuser") {
				t.Error("the proxy's credentials were printed")
			}
		})
	}
}
