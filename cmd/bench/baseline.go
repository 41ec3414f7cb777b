package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// buildRevision builds the probe as it was at the git revision rev into bin, with the same
// release flags as the tree's own, from a copy of that revision's files (git archive) under dir:
// the B figures then compare the two in one interleaved run. It returns the commit's short hash.
func buildRevision(rev, dir, bin string, r recipe) (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if err != nil || root == "." {
		return "", fmt.Errorf("run from inside the headprobe module (go env GOMOD: %v)", err)
	}
	hash, err := exec.Command("git", "-C", root, "rev-parse", "--short", "--verify", rev+"^{commit}").Output()
	if err != nil {
		return "", fmt.Errorf("-baseline %q: not a commit of this repository", rev)
	}
	src := filepath.Join(dir, "baseline-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	archive := exec.Command("git", "-C", root, "archive", "--format=tar", rev)
	untar := exec.Command("tar", "-x", "-C", src)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	untar.Stdin, archive.Stderr, untar.Stderr = pipe, os.Stderr, os.Stderr
	if err := untar.Start(); err != nil {
		return "", err
	}
	if err := archive.Run(); err != nil {
		return "", fmt.Errorf("git archive %s: %w", rev, err)
	}
	if err := untar.Wait(); err != nil {
		return "", fmt.Errorf("untar %s: %w", rev, err)
	}
	if _, err := buildIn(src, bin, ".", r); err != nil {
		return "", fmt.Errorf("baseline %s: %w", rev, err)
	}
	return strings.TrimSpace(string(hash)), nil
}
