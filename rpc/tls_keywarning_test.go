package rpc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTLSFiles_KeyWarning(t *testing.T) {
	key := filepath.Join(t.TempDir(), "client.key")
	if err := os.WriteFile(key, []byte("not read here"), 0o600); err != nil {
		t.Fatal(err)
	}
	if w := (TLSFiles{Cert: "c", Key: key}).KeyWarning(); w != "" {
		t.Errorf("a 0600 key: warning %q", w)
	}
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	w := (TLSFiles{Cert: "c", Key: key}).KeyWarning()
	if !strings.HasPrefix(w, key+" is readable by every user (mode 0644)") || strings.Contains(w, "not read here") {
		t.Errorf("a 0644 key: warning %q", w)
	}
	if w := (TLSFiles{}).KeyWarning(); w != "" {
		t.Errorf("no key: warning %q", w)
	}
}
