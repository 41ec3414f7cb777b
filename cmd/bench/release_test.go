package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/testkit"
)

// TestReleaseFlags_InStep: the bench measures the binary that the README, the Dockerfile and CI
// build: the same GOEXPERIMENT, tags and -gcflags in all four.
func TestReleaseFlags_InStep(t *testing.T) {
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"README.md", "Dockerfile", ".ci/run"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if !strings.Contains(text, "go build -tags "+releaseTags+" -trimpath") {
			t.Errorf("%s: no release build with -tags %s", name, releaseTags)
		}
		if !strings.Contains(text, "CGO_ENABLED=0 GOEXPERIMENT="+releaseExperiment+" ") {
			t.Errorf("%s: the release build lacks GOEXPERIMENT=%s", name, releaseExperiment)
		}
		for _, g := range strings.Fields(releaseGCFlags) {
			if !strings.Contains(text, " -gcflags="+g+" ") {
				t.Errorf("%s: the release build lacks -gcflags=%s", name, g)
			}
		}
		if n := strings.Count(text, "-gcflags="); n != len(strings.Fields(releaseGCFlags)) && name != "README.md" {
			t.Errorf("%s: %d -gcflags, want the %d of releaseGCFlags", name, n, len(strings.Fields(releaseGCFlags)))
		}
	}
}
