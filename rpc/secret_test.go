package rpc

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const secretHex = "3b2d8c1f5a6e7d9b0c4f2a1e8d7c6b5a493827161504f3e2d1c0b9a897867564"

func TestParseSecret(t *testing.T) {
	want, _ := hex.DecodeString(secretHex)
	for _, tc := range []struct {
		name  string
		input string
		err   string // "" for success
	}{
		{"bare", secretHex, ""},
		{"0x prefix", "0x" + secretHex, ""},
		{"0X prefix", "0X" + secretHex, ""},
		{"upper case", strings.ToUpper(secretHex), ""},
		{"trailing newline", secretHex + "\n", ""},
		{"CRLF", "0x" + secretHex + "\r\n", ""},
		{"surrounding white space", " \t\n" + secretHex + "\n\n ", ""},
		{"split over lines", secretHex[:32] + "\n" + secretHex[32:] + "\n", ""},

		{"empty", "", "is empty"},
		{"white space only", " \n\t\r\n", "is empty"},
		{"0x only", "0x\n", "is empty"},
		{"not hex", "this is not a secret at all, it is some prose of sixty-four chr", "is not hex"},
		{"one bad character", secretHex[:63] + "g", "is not hex"},
		{"odd length", secretHex[:63], "is not hex"},
		{"31 bytes", secretHex[:62], "holds 31 bytes, want 32"},
		{"33 bytes", secretHex + "ab", "holds 33 bytes, want 32"},
		{"0x twice", "0x0x" + secretHex, "is not hex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSecret([]byte(tc.input))
			if tc.err == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("secret %x, want %x", got, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("secret %x, want an error containing %q", got, tc.err)
			}
			if got != nil {
				t.Errorf("secret %x alongside an error", got)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q does not contain %q", err, tc.err)
			}
			if c := strings.TrimSpace(tc.input); len(c) >= 8 && strings.Contains(err.Error(), c[:8]) {
				t.Errorf("error %q repeats the content", err)
			}
			for _, word := range strings.Fields(tc.input) {
				if len(word) >= 4 && strings.Contains(err.Error(), word) {
					t.Errorf("error %q repeats %q from the content", err, word)
				}
			}
		})
	}
}

// writeSecret writes content to a file with mode perm in a fresh directory.
func writeSecret(t *testing.T, content string, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwt.hex")
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // not subject to the umask
		t.Fatal(err)
	}
	return path
}

func TestReadSecretFile(t *testing.T) {
	want, _ := hex.DecodeString(secretHex)

	t.Run("mode 0600", func(t *testing.T) {
		secret, warning, err := ReadSecretFile(writeSecret(t, "0x"+secretHex+"\n", 0o600))
		if err != nil || !bytes.Equal(secret, want) {
			t.Fatalf("secret %x, error %v", secret, err)
		}
		if warning != "" {
			t.Errorf("warning %q for a private file", warning)
		}
	})
	t.Run("mode 0640", func(t *testing.T) {
		_, warning, err := ReadSecretFile(writeSecret(t, secretHex, 0o640))
		if err != nil || warning != "" {
			t.Errorf("warning %q, error %v", warning, err)
		}
	})
	t.Run("world-readable", func(t *testing.T) {
		path := writeSecret(t, secretHex, 0o644)
		secret, warning, err := ReadSecretFile(path)
		if err != nil || !bytes.Equal(secret, want) {
			t.Fatalf("secret %x, error %v", secret, err)
		}
		for _, s := range []string{path, "readable by every user", "0644", "chmod 600"} {
			if !strings.Contains(warning, s) {
				t.Errorf("warning %q does not contain %q", warning, s)
			}
		}
		if strings.Contains(warning, secretHex[:8]) {
			t.Errorf("warning %q shows the secret", warning)
		}
	})
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.hex")
		_, _, err := ReadSecretFile(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("error %v", err)
		}
		if err != nil && strings.Count(err.Error(), path) != 1 {
			t.Errorf("error %q names the path more than once", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		_, _, err := ReadSecretFile(dir)
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: root can read a mode-0000 file")
		}
		path := writeSecret(t, secretHex, 0o000)
		_, _, err := ReadSecretFile(path)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("not hex", func(t *testing.T) {
		content := "password=correct-horse-battery-staple\n"
		path := writeSecret(t, content, 0o600)
		_, _, err := ReadSecretFile(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "is not hex") {
			t.Fatalf("error %v", err)
		}
		if strings.Contains(err.Error(), "horse") || strings.Contains(err.Error(), "password") {
			t.Errorf("error %q shows the file content", err)
		}
	})
	t.Run("wrong length", func(t *testing.T) {
		_, _, err := ReadSecretFile(writeSecret(t, secretHex[:62], 0o600))
		if err == nil || !strings.Contains(err.Error(), "holds 31 bytes") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		_, _, err := ReadSecretFile(writeSecret(t, "", 0o600))
		if err == nil || !strings.Contains(err.Error(), "is empty") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		_, _, err := ReadSecretFile(writeSecret(t, strings.Repeat(" ", 1<<20)+secretHex, 0o600))
		if err == nil || !strings.Contains(err.Error(), "larger than 4096 bytes") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("symlink to a secret", func(t *testing.T) {
		target := writeSecret(t, secretHex, 0o600)
		link := filepath.Join(t.TempDir(), "link.hex")
		if err := os.Symlink(target, link); err != nil {
			t.Skip(err)
		}
		if secret, _, err := ReadSecretFile(link); err != nil || !bytes.Equal(secret, want) {
			t.Errorf("secret %x, error %v", secret, err)
		}
	})
}

func TestToken(t *testing.T) {
	secret, _ := hex.DecodeString(secretHex)
	now := time.Unix(1_800_000_000, 0)
	tok, err := token(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil || !parsed.Valid {
		t.Fatalf("token does not verify: %v", err)
	}
	if iat, err := claims.GetIssuedAt(); err != nil || iat == nil || !iat.Time.Equal(now) {
		t.Errorf("iat %v (%v), want %v", iat, err, now)
	}
	if len(claims) != 1 {
		t.Errorf("claims %v, want iat alone", claims)
	}
	if other, _ := token(secret, now.Add(time.Second)); other == tok {
		t.Error("a token a second later is the same")
	}
}

func TestParseSecret_OnlyOnePrefix(t *testing.T) {
	if _, err := ParseSecret([]byte("0x0X" + strings.Repeat("ab", 32))); err == nil {
		t.Error("0x0X<hex> accepted")
	}
}

func TestSecretFIFO_IsRefusedWithoutBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jwt.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no mkfifo here:", err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := ReadSecretFile(path); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("err %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReadSecretFile blocked on a FIFO")
	}
}
