package opstack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The pinned versions. op-geth is the version optimism's go.mod replaces go-ethereum with, so that
// geth is built from the same module graph as op-node and shares its compiled packages.
const (
	// OptimismVersion is the optimism monorepo release op-node, op-conductor and op-batcher come from.
	OptimismVersion = "v1.19.6"
	// OpGethVersion is the op-geth release optimism OptimismVersion pins (its go.mod's replace).
	OpGethVersion = "v1.101702.3-rc.7"
	// goEthereumRequired is the go-ethereum version optimism's go.mod requires (replaced by op-geth).
	goEthereumRequired = "v1.17.0"
	// genprotoVersion resolves geth's "ambiguous import" of googleapis/rpc/status in the
	// monorepo's module graph (../shared/opstack.md, obstacle 3).
	genprotoVersion = "v0.0.0-20261110000943-09e21b237f2c"

	optimismModule = "github.com/ethereum-optimism/optimism"
	opGethModule   = "github.com/ethereum-optimism/op-geth"
)

// Binaries are the paths of the built executables.
type Binaries struct {
	Geth, OpNode, OpConductor, OpBatcher string
}

// BuildOptions configure Build.
type BuildOptions struct {
	// CacheDir is where versions are kept; "" is os.UserCacheDir()/headprobe/opstack.
	CacheDir string
	// Progress receives what the build does, a line at each step and every few seconds while a
	// step runs; nil is io.Discard.
	Progress io.Writer
}

// Key names the pinned versions; it is the cache's subdirectory.
func Key() string { return "optimism-" + OptimismVersion + "_op-geth-" + OpGethVersion }

// CacheRoot is the default cache directory of every version.
func CacheRoot() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("opstack: no cache directory: %w", err)
	}
	return filepath.Join(dir, "headprobe", "opstack"), nil
}

// binaryNames are the executables in a version's bin directory.
var binaryNames = []string{"geth", "op-node", "op-conductor", "op-batcher"}

// stampName marks a complete build; it is written last.
const stampName = "BUILT"

// Cached returns the binaries of the pinned versions if they are built, without building.
func Cached(cacheDir string) (Binaries, bool) {
	dir, err := versionDir(cacheDir)
	if err != nil {
		return Binaries{}, false
	}
	return cached(dir)
}

// cached returns the binaries in dir if its build is complete.
func cached(dir string) (Binaries, bool) {
	bins := binariesIn(filepath.Join(dir, "bin"))
	if _, err := os.Stat(filepath.Join(dir, stampName)); err != nil {
		return bins, false
	}
	for _, p := range []string{bins.Geth, bins.OpNode, bins.OpConductor, bins.OpBatcher} {
		if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
			return bins, false
		}
	}
	return bins, true
}

// binariesIn are the paths of the executables in bin.
func binariesIn(bin string) Binaries {
	return Binaries{
		Geth:        filepath.Join(bin, "geth"),
		OpNode:      filepath.Join(bin, "op-node"),
		OpConductor: filepath.Join(bin, "op-conductor"),
		OpBatcher:   filepath.Join(bin, "op-batcher"),
	}
}

// versionDir is the directory of the pinned versions under cacheDir (the default when "").
func versionDir(cacheDir string) (string, error) {
	if cacheDir == "" {
		root, err := CacheRoot()
		if err != nil {
			return "", err
		}
		cacheDir = root
	}
	return filepath.Join(cacheDir, Key()), nil
}

// Build returns the binaries of the pinned versions, building them first unless they are cached.
// Only the Go module proxy is asked for anything: the modules are downloaded by `go mod download`,
// the monorepo's module is copied into a writable directory, the superchain configuration its
// module zip lacks is taken from op-geth's module, and `go build` runs there, outside headprobe's
// module. Concurrent Builds of the same versions wait for each other (a file lock).
func Build(ctx context.Context, opts BuildOptions) (Binaries, error) {
	dir, err := versionDir(opts.CacheDir)
	if err != nil {
		return Binaries{}, err
	}
	if bins, ok := cached(dir); ok {
		return bins, nil
	}
	out := opts.Progress
	if out == nil {
		out = io.Discard
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Binaries{}, fmt.Errorf("opstack: %w", err)
	}
	unlock, err := lock(ctx, filepath.Join(dir, "lock"), out)
	if err != nil {
		return Binaries{}, err
	}
	defer unlock()
	if bins, ok := cached(dir); ok { // another process built it while we waited
		return bins, nil
	}
	b := &builder{dir: dir, out: out, start: time.Now()}
	if err := b.run(ctx); err != nil {
		return Binaries{}, fmt.Errorf("opstack: build of %s: %w", Key(), err)
	}
	bins, ok := cached(dir)
	if !ok {
		return Binaries{}, fmt.Errorf("opstack: build of %s left no complete set of binaries in %s", Key(), dir)
	}
	fmt.Fprintf(out, "opstack: built %s in %s: %s\n", Key(), time.Since(b.start).Round(time.Second), filepath.Dir(bins.Geth))
	return bins, nil
}

// lock takes an exclusive lock on path, waiting for another build to end.
func lock(ctx context.Context, path string, out io.Writer) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opstack: %w", err)
	}
	said := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("opstack: lock %s: %w", path, err)
		}
		if !said {
			fmt.Fprintf(out, "opstack: another process is building %s; waiting for it\n", Key())
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// builder runs the steps of one build in dir.
type builder struct {
	dir   string
	out   io.Writer
	start time.Time
}

// run downloads, copies, patches and builds; the stamp is written last.
func (b *builder) run(ctx context.Context) error {
	os.Remove(filepath.Join(b.dir, stampName))
	src := filepath.Join(b.dir, "src")
	bin := filepath.Join(b.dir, "bin")
	if err := os.RemoveAll(src); err != nil {
		return err
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "headprobe-opstack-download")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var optimismDir, opGethDir string
	for _, m := range []struct {
		path, version string
		dir           *string
	}{{optimismModule, OptimismVersion, &optimismDir}, {opGethModule, OpGethVersion, &opGethDir}} {
		d, err := b.download(ctx, tmp, m.path, m.version)
		if err != nil {
			return err
		}
		*m.dir = d
	}
	b.say("copying %s into %s", optimismModule, src)
	if err := copyTree(optimismDir, src); err != nil {
		return err
	}
	if err := addSuperchainConfigs(opGethDir, src); err != nil {
		return err
	}
	// op-node first: the three monorepo commands share most of their packages; each is
	// built with the monorepo's own go.mod, before geth's fix-ups change it.
	for _, name := range []string{"op-node", "op-conductor", "op-batcher"} {
		if err := b.goCmd(ctx, src, "building "+name, "build", "-o", filepath.Join(bin, name+".tmp"), "./"+name+"/cmd"); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(bin, name+".tmp"), filepath.Join(bin, name)); err != nil {
			return err
		}
	}
	// geth: cmd/geth's own dependencies are not in the monorepo's go.sum, and genproto is
	// ambiguous there (../shared/opstack.md, obstacle 3).
	if err := b.goCmd(ctx, src, "resolving geth's dependencies (genproto)", "get", "google.golang.org/genproto@"+genprotoVersion); err != nil {
		return err
	}
	if err := b.goCmd(ctx, src, "resolving geth's dependencies (cmd/geth)", "get", "github.com/ethereum/go-ethereum/cmd/geth@"+goEthereumRequired); err != nil {
		return err
	}
	if err := b.goCmd(ctx, src, "building geth (op-geth "+OpGethVersion+")", "build", "-o", filepath.Join(bin, "geth.tmp"), "github.com/ethereum/go-ethereum/cmd/geth"); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(bin, "geth.tmp"), filepath.Join(bin, "geth")); err != nil {
		return err
	}
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	stamp := fmt.Sprintf("%s\nbuilt by %s in %s on %s\n", Key(), strings.TrimSpace(string(goVersion)), time.Since(b.start).Round(time.Second), time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(b.dir, stampName), []byte(stamp), 0o644); err != nil {
		return err
	}
	// The copy is ~110 MB and only needed to build.
	return os.RemoveAll(src)
}

// say prints one progress line.
func (b *builder) say(format string, args ...any) {
	fmt.Fprintf(b.out, "opstack: [%s] %s\n", fmtElapsed(time.Since(b.start)), fmt.Sprintf(format, args...))
}

// fmtElapsed is d as m:ss.
func fmtElapsed(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// download fetches a module through the module proxy (`go mod download`) and returns its directory
// in the module cache.
func (b *builder) download(ctx context.Context, tmp, path, version string) (string, error) {
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", path+"@"+version)
	cmd.Dir = tmp // outside any module
	cmd.Env = goEnv()
	cmd.Stdout = &stdout
	if err := b.runWithProgress(cmd, "downloading "+path+"@"+version); err != nil {
		return "", err
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", path, version, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", path, version, info.Error)
	}
	return info.Dir, nil
}

// goCmd runs `go args...` in dir, with progress.
func (b *builder) goCmd(ctx context.Context, dir, what string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	return b.runWithProgress(cmd, what)
}

// runWithProgress runs cmd, saying what it does at the start and every 15 s, and returns its
// error with the tail of its output.
func (b *builder) runWithProgress(cmd *exec.Cmd, what string) error {
	var output bytes.Buffer
	cmd.Stderr = &output
	if cmd.Stdout == nil {
		cmd.Stdout = &output
	}
	cmd.WaitDelay = 5 * time.Second
	b.say("%s …", what)
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	go func() { done <- cmd.Wait() }()
	stepStart := time.Now()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("%s: %w\n%s", what, err, tail(output.String(), 40))
			}
			return nil
		case <-tick.C:
			b.say("%s … still running (%s)", what, time.Since(stepStart).Round(time.Second))
		}
	}
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// goEnv is the environment of the go commands: the caller's, without headprobe's GOFLAGS (CI's
// -mod=readonly would refuse the fix-ups) and workspace, with the local toolchain only.
func goEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k == "GOFLAGS" || k == "GOWORK" || k == "GOTOOLCHAIN" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS=-buildvcs=false", "GOWORK=off", "GOTOOLCHAIN=local")
}

// copyTree copies the directory src (read-only in the module cache) to dst, writable.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
}

// copyFile copies one regular file, writable by its owner.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// addSuperchainConfigs puts op-geth's superchain-configs.zip where the monorepo's
// op-core/superchain embeds it (the file is generated, so its module zip lacks it) and pins its
// sha256, which op-core/superchain's init checks (../shared/opstack.md, obstacle 2).
func addSuperchainConfigs(opGethDir, src string) error {
	data, err := os.ReadFile(filepath.Join(opGethDir, "superchain", "superchain-configs.zip"))
	if err != nil {
		return fmt.Errorf("op-geth's superchain configs: %w", err)
	}
	dir := filepath.Join(src, "op-core", "superchain")
	if err := os.WriteFile(filepath.Join(dir, "superchain-configs.zip"), data, 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	line := hex.EncodeToString(sum[:]) + "  superchain-configs.zip\n"
	return os.WriteFile(filepath.Join(dir, "superchain-configs.zip.sha256"), []byte(line), 0o644)
}
