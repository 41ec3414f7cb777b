package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/headprobe/headprobe/check"
)

// testSecret is a well-formed Engine-API secret: 32 bytes in hex.
const testSecret = "6a6f1d1ef1b7a3a0c3f1e0bd7c1a9f3b5d8e2c4a6b0f9e8d7c6b5a4f3e2d1c0b"

// parsed is what Parse made of one command line.
type parsed struct {
	mode check.Mode
	cfg  *config
	err  error
}

// parseCommandLine parses args (args[0] is the program) with Parse and environ as the whole
// environment: flags and environment are read exactly as in a real run, but nothing is probed.
func parseCommandLine(t *testing.T, args []string, environ map[string]string) parsed {
	t.Helper()
	var kv []string
	for k, v := range environ {
		kv = append(kv, k+"="+v)
	}
	p, err := Parse(args, kv)
	if err != nil {
		return parsed{err: err}
	}
	return parsed{mode: p.Mode, cfg: p.cfg}
}

// writeSecret writes a well-formed JWT secret file with the given permissions.
func writeSecret(t *testing.T, file string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, mode); err != nil {
		t.Fatal(err)
	}
}
