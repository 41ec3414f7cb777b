package rpc

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/headprobe/headprobe/internal/fsx"
)

// SecretSize is the length of an Engine-API JWT secret in bytes.
const SecretSize = 32

// maxSecretFile bounds how much of a secret file is read (64 hex chars, 0x, whitespace).
const maxSecretFile = 4096

// ParseSecret reads an Engine-API secret as geth writes jwt.hex: 64 hex characters, optional 0x,
// whitespace ignored. Its errors never repeat the file's content.
func ParseSecret(data []byte) ([]byte, error) {
	text := bytes.Join(bytes.Fields(data), nil)
	if bytes.HasPrefix(text, []byte("0x")) || bytes.HasPrefix(text, []byte("0X")) {
		text = text[2:]
	}
	if len(text) == 0 {
		return nil, errors.New("is empty")
	}
	secret := make([]byte, hex.DecodedLen(len(text)))
	if _, err := hex.Decode(secret, text); err != nil {
		return nil, errors.New("is not hex (want 64 hex characters, as in geth's jwt.hex)")
	}
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("holds %d bytes, want %d (64 hex characters)", len(secret), SecretSize)
	}
	return secret, nil
}

// ReadSecretFile reads and parses a JWT secret file. warning is non-empty when the file is
// readable by everyone, which is allowed but unwise.
func ReadSecretFile(path string) (secret []byte, warning string, err error) {
	data, err := fsx.ReadRegular(path, maxSecretFile)
	if err != nil {
		return nil, "", err
	}
	if secret, err = ParseSecret(data); err != nil {
		return nil, "", fmt.Errorf("%s %v", path, err)
	}
	return secret, readableByAll(path), nil
}

// readableByAll is the warning for a secret file every user may read; empty when it is private.
func readableByAll(path string) string {
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o004 != 0 {
		return fmt.Sprintf("%s is readable by every user (mode %04o); chmod 600 it", path, info.Mode().Perm())
	}
	return ""
}

// token signs a fresh Engine-API token: HS256 with iat = now, as the spec asks (±60 s).
func token(secret []byte, now time.Time) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": now.Unix()}).SignedString(secret)
}
