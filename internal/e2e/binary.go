package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// ModuleRoot is the directory of the go.mod at or above the working directory: where the tests
// of the built binary run, naming the repository's files (README.md, deploy/…) as the README does.
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

// Build compiles headprobe (the module root's package main) into dir and returns its path;
// the build's errors go to stderr.
func Build(root, dir string) (string, error) {
	bin := filepath.Join(dir, "headprobe")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir, build.Stderr = root, os.Stderr
	if err := build.Run(); err != nil {
		return "", errors.New("building headprobe: " + err.Error())
	}
	return bin, nil
}
