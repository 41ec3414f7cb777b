package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SkipRealEnv, set to 1, lets a test skip when a real Prometheus tool is neither on PATH nor
// built yet, instead of building it (a quick run on a developer's machine). Unset, as in CI, the
// tool is built through the Go toolchain.
const SkipRealEnv = "E2E_SKIP_REAL"

// A Tool is a real Prometheus program the tests run: taken from PATH when installed (Debian's
// packages), else built once, pinned, through the Go module proxy and cached across runs.
type Tool struct {
	// Name is the program's name in the cache; Names are those looked up in PATH.
	Name  string
	Names []string
	// Package and Version are what `go install` builds; Debian is the package that installs it.
	Package, Version, Debian string
}

// The tools: Prometheus v0.316.0's promtool and prometheus, node_exporter v1.12.1.
var (
	Promtool     = Tool{Name: "promtool", Names: []string{"promtool"}, Package: "github.com/prometheus/prometheus/cmd/promtool", Version: "v0.316.0", Debian: "prometheus"}
	Prometheus   = Tool{Name: "prometheus", Names: []string{"prometheus"}, Package: "github.com/prometheus/prometheus/cmd/prometheus", Version: "v0.316.0", Debian: "prometheus"}
	NodeExporter = Tool{Name: "node_exporter", Names: []string{"prometheus-node-exporter", "node_exporter"}, Package: "github.com/prometheus/node_exporter", Version: "v1.12.1", Debian: "prometheus-node-exporter"}
	// Tools are all three, in the order BuildTools builds them (the two of one module together).
	Tools = []Tool{NodeExporter, Promtool, Prometheus}
)

// onPath is the tool's path in PATH, or "".
func (tl Tool) onPath() string {
	for _, n := range tl.Names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// cached is where the built tool lives: the user's cache directory, by version.
func (tl Tool) cached() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "headprobe", "tools", strings.ReplaceAll(tl.Package, "/", "_")+"@"+tl.Version, tl.Name), nil
}

// Path is the tool's path: PATH's, else the cached build's, built now if missing. With
// E2E_SKIP_REAL=1 a tool not yet available skips the test instead.
func (tl Tool) Path(t testing.TB) string {
	t.Helper()
	if p := tl.onPath(); p != "" {
		return p
	}
	bin, err := tl.cached()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil && os.Getenv(SkipRealEnv) == "1" {
		t.Skipf("%s is not in PATH (apt-get install %s) nor built; skipped because %s=1", tl.Name, tl.Debian, SkipRealEnv)
	}
	if err := tl.build(); err != nil {
		t.Fatalf("%s: %v", tl.Name, err)
	}
	return bin
}

// building serialises the builds of one test process; the file lock, those of test processes
// run side by side by `go test ./...`.
var building sync.Mutex

// build builds the tool into its cache entry unless it is there, under a lock, with a progress
// line on stderr (a cold build takes minutes).
func (tl Tool) build() error {
	bin, err := tl.cached()
	if err != nil {
		return err
	}
	building.Lock()
	defer building.Unlock()
	if _, err := os.Stat(bin); err == nil {
		return nil
	}
	dir := filepath.Dir(bin)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(dir), ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(bin); err == nil { // another process built it meanwhile
		return nil
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "testkit: building %s@%s with the Go toolchain (not in PATH; cached in %s; minutes when cold)…\n", tl.Package, tl.Version, dir)
	tmp, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "install", tl.Package+"@"+tl.Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go install %s@%s: %v\n%s", tl.Package, tl.Version, err, out)
	}
	built := filepath.Join(tmp, filepath.Base(tl.Package))
	if err := os.Rename(built, bin); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "testkit: built %s in %s\n", tl.Name, time.Since(start).Round(time.Second))
	return nil
}

// BuildTools builds every tool that is neither in PATH nor cached, before the tests run (from a
// TestMain, outside the tests' own timeout); with E2E_SKIP_REAL=1 it builds none.
func BuildTools() error {
	if os.Getenv(SkipRealEnv) == "1" {
		return nil
	}
	for _, tl := range Tools {
		if tl.onPath() != "" {
			continue
		}
		if err := tl.build(); err != nil {
			return err
		}
	}
	return nil
}
