package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/headprobe/headprobe/internal/testkit"
)

// TestUnreadableSecret_IsUnknownBeforeAnyIO: a secret file the probe's user may not read is exit 3
// with the reason. Tests here run as root, who reads anything, so the binary runs as nobody.
func TestUnreadableSecret_IsUnknownBeforeAnyIO(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: rpc's TestReadSecretFile covers an unreadable file directly")
	}
	dir, err := os.MkdirTemp("", "headprobe-nobody") // t.TempDir's parent is closed to other users
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "headprobe")
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "jwt.hex")
	testkit.WriteSecret(t, secret, 0o600) // root's, unreadable for nobody
	cmd := exec.Command(exe, "--l2", "http://127.0.0.1:1", "--l2-jwt-secret", secret)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit %v, want 3\n%s", err, stdout.String())
	}
	if !strings.HasPrefix(stdout.String(), "UNKNOWN: --l2-jwt-secret: cannot read "+secret+": permission denied") {
		t.Errorf("first line %q", stdout.String())
	}
}
