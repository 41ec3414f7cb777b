// Package testkit holds what the tests of several packages share: the module root, headprobe
// built from it, and well-formed JWT secret files. It imports the standard library alone, so a
// package's unit tests that use it build no node.
package testkit

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ModuleRoot is the directory of the go.mod at or above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// MainWithBinary is a TestMain for the tests of the built binary: it builds headprobe (the
// module root's package main) into a temporary directory, stores its path in *binary, and runs
// the tests from the module root, so that they name the repository's files (README.md, deploy/…,
// testdata/…) as the README does. It does not return.
func MainWithBinary(m *testing.M, binary *string) {
	os.Exit(RunWithBinary(m, binary))
}

// RunWithBinary is MainWithBinary returning the tests' exit code instead of exiting, for a
// TestMain with more to do once the tests are over.
func RunWithBinary(m *testing.M, binary *string) int {
	root, err := ModuleRoot()
	if err == nil {
		err = os.Chdir(root)
	}
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "headprobe-test")
	if err != nil {
		panic(err)
	}
	*binary = filepath.Join(dir, "headprobe")
	if err := BuildHeadprobe(root, *binary, os.Stderr); err != nil {
		panic("building headprobe: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	return code
}

// BuildHeadprobe builds the headprobe of the source tree src (a module root) into out, as the
// tests' binary is built: one place for the build's flags, so that a baseline built from another
// revision (cmd/samejson) is built as the tests' own. The compiler's messages go to stderr.
func BuildHeadprobe(src, out string, stderr io.Writer) error {
	build := exec.Command("go", "build", "-o", out, ".")
	build.Dir, build.Stderr = src, stderr
	return build.Run()
}

// Secret is a well-formed Engine-API secret: 32 bytes in hex.
const Secret = "6a6f1d1ef1b7a3a0c3f1e0bd7c1a9f3b5d8e2c4a6b0f9e8d7c6b5a4f3e2d1c0b"

// WriteSecret writes Secret to file, with the given permissions.
func WriteSecret(t testing.TB, file string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(Secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, mode); err != nil {
		t.Fatal(err)
	}
}

// MustRead reads a repository file.
func MustRead(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
