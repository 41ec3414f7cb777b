package testkit

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTools_RunOnThisMachine takes each real Prometheus tool from PATH or builds it, and runs its
// --version: CI runs it before the suite, so that the first build (minutes) is not inside a
// package's test timeout.
func TestTools_RunOnThisMachine(t *testing.T) {
	if err := BuildTools(); err != nil {
		t.Fatal(err)
	}
	for _, tl := range Tools {
		out, err := exec.Command(tl.Path(t), "--version").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "version") {
			t.Errorf("%s --version: %v\n%s", tl.Name, err, out)
		}
	}
}
