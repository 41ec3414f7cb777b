package devnet

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
)

// secretLen is the length in bytes of an Engine-API JWT secret.
const secretLen = 32

// WriteSecretFile writes a 32-byte secret as hex to path with mode 0600.
func WriteSecretFile(path string, secret []byte) error {
	if len(secret) != secretLen {
		return fmt.Errorf("devnet: JWT secret must be %d bytes, got %d", secretLen, len(secret))
	}
	data := []byte(hex.EncodeToString(secret) + "\n")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("devnet: write JWT secret: %w", err)
	}
	// WriteFile keeps the mode of an existing file; force 0600 either way.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("devnet: chmod JWT secret: %w", err)
	}
	return nil
}

// randomSecret returns a fresh random 32-byte secret.
func randomSecret() ([]byte, error) {
	secret := make([]byte, secretLen)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("devnet: random JWT secret: %w", err)
	}
	return secret, nil
}
