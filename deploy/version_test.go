package deploy_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/testkit"
)

// TestReadmeReleaseBuild_StampsTheVersion runs the README's release build command as written and
// checks that --version shows git's description and commit, not "(devel)".
func TestReadmeReleaseBuild_StampsTheVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binary")
	}
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Run(); err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	readme := string(testkit.MustRead(t, "README.md"))
	start := strings.Index(readme, "CGO_ENABLED=0 GOEXPERIMENT=nogreenteagc go build -tags urfave_cli_no_docs,nethttpomithttp2 -trimpath -o headprobe \\\n")
	if start < 0 {
		t.Fatal("the README's release build command is missing")
	}
	command := readme[start:]
	command = command[:strings.Index(command, " .\n")+2]
	// What git says before the build, as the build itself asks it.
	describe, _ := exec.Command("git", "-C", root, "describe", "--tags", "--always", "--dirty").Output()
	head, _ := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	bin := filepath.Join(t.TempDir(), "headprobe")
	command = strings.Replace(command, "-o headprobe", "-o "+bin, 1)
	build := exec.Command("sh", "-c", command)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "headprobe " + strings.TrimSpace(string(describe)) + " (commit " + strings.TrimSpace(string(head)) + ", "
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("--version %q, want it to begin %q", out, want)
	}
}
