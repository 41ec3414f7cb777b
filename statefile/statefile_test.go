package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/fsx"
	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	since := time.Date(2026, 11, 25, 12, 0, 0, 123, time.UTC)
	in := map[string]check.Mark{Key("l2", "http://a"): {Number: 7, Hash: common.HexToHash("0x07"), Since: since}}
	if err := Save(path, in); err != nil {
		t.Fatal(err)
	}
	out, warning := Load(path)
	if warning != "" || len(out) != 1 || !out[Key("l2", "http://a")].Since.Equal(since) || out[Key("l2", "http://a")].Number != 7 {
		t.Errorf("loaded %v, warning %q", out, warning)
	}
}

func TestFirstRun_NoFileNoWarning(t *testing.T) {
	marks, warning := Load(filepath.Join(t.TempDir(), "absent.json"))
	if len(marks) != 0 || warning != "" {
		t.Errorf("marks %v, warning %q", marks, warning)
	}
}

func TestCorruptOrForeignFile_IsIgnoredWithAWarning(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"corrupt":                `{"version":1,"tool":"headprobe","endpoints":{`,
		"foreign":                `{"some":"other tool"}`,
		"old version":            `{"version":99,"tool":"headprobe","endpoints":{}}`,
		"binary":                 "\x00\x01\x02",
		"large, not headprobe's": `{"pad":"` + strings.Repeat("x", 1<<20) + `"}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		os.WriteFile(path, []byte(content), 0o600)
		marks, warning := Load(path)
		if len(marks) != 0 || !strings.Contains(warning, "ignored") {
			t.Errorf("%s: marks %v, warning %q", name, marks, warning)
		}
	}
	if marks, warning := Load(dir); len(marks) != 0 || warning == "" { // a directory
		t.Errorf("directory: marks %v, warning %q", marks, warning)
	}
}

func TestKey_HidesTheURL(t *testing.T) {
	k := Key("builder", "http://user:secret@host/?apikey=KEY")
	if strings.Contains(k, "secret") || strings.Contains(k, "KEY") || !strings.HasPrefix(k, "builder/") {
		t.Errorf("key %q", k)
	}
	if Key("l2", "http://a") == Key("l2", "http://b") || Key("l2", "http://a") == Key("builder", "http://a") {
		t.Error("keys collide")
	}
}

func TestConcurrentRuns_NeverCorruptTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			marks := map[string]check.Mark{Key("l2", "u"): {Number: uint64(i), Since: time.Now()}}
			if err := Save(path, marks); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, warning := Load(path); warning != "" {
				t.Errorf("a reader saw a broken file: %s", warning)
			}
		}()
	}
	wg.Wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil || len(f.Endpoints) != 1 {
		t.Errorf("final file %q: %v", data, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %d entries", len(entries))
	}
}

func TestFIFOInsteadOfAFile_IsIgnoredWithoutBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no mkfifo here:", err)
	}
	done := make(chan string, 1)
	go func() { _, warning := Load(path); done <- warning }()
	select {
	case warning := <-done:
		if !strings.Contains(warning, "is a FIFO") {
			t.Errorf("warning %q", warning)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Load blocked on a FIFO")
	}
}

func TestSave_LeavesWhatIsNotAStateFileAsItIs(t *testing.T) {
	for _, f := range fsxtest.Foreigners([]byte(`{"some":"other tool"}`)) {
		t.Run(f.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			f.Make(t, path)
			before := fsxtest.Snapshot(t, path)
			if _, warning := Load(path); !strings.Contains(warning, "ignored and not written: ") {
				t.Errorf("Load's warning %q does not say it will not be written", warning)
			}
			var refused *fsx.Refused
			if err := Save(path, map[string]check.Mark{Key("l2", "u"): {Number: 1}}); !errors.As(err, &refused) {
				t.Errorf("Save: %v, want a *fsx.Refused", err)
			}
			if after := fsxtest.Snapshot(t, path); after != before {
				t.Errorf("changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestSave_ReplacesAStateFileOfAnyVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"version":99,"tool":"headprobe","endpoints":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, map[string]check.Mark{Key("l2", "u"): {Number: 1}}); err != nil {
		t.Fatal(err)
	}
	if s := fsxtest.Snapshot(t, path); s.Mode != 0o600 {
		t.Errorf("mode %v, want 0600", s.Mode)
	}
	if marks, warning := Load(path); warning != "" || marks[Key("l2", "u")].Number != 1 {
		t.Errorf("loaded %v, %q", marks, warning)
	}
}

// TestEmptyFile_IsAFirstRunAndIsReplaced: an empty regular file, made beforehand for its
// permissions, is a first run (no marks, no warning), and Save replaces it.
func TestEmptyFile_IsAFirstRunAndIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if marks, warning := Load(path); len(marks) != 0 || warning != "" {
		t.Fatalf("Load of an empty file: %v marks, warning %q; want none", len(marks), warning)
	}
	if err := Save(path, map[string]check.Mark{"l2/x": {Number: 7}}); err != nil {
		t.Fatalf("Save over an empty file: %v", err)
	}
	if marks, warning := Load(path); marks["l2/x"].Number != 7 || warning != "" {
		t.Errorf("after Save: %v, warning %q", marks, warning)
	}
}

// TestLargeStateFile_ReadAndReplaced: a state file is told headprobe's by its first bytes, so one
// of thousands of endpoints (over the 64 KiB a state file was once held to) is read and replaced
// run after run; one over maxSize is ignored with a warning and replaced all the same; a corrupt
// one of headprobe's is replaced too.
func TestLargeStateFile_ReadAndReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	marks := map[string]check.Mark{}
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 4000 {
		marks[Key("l2", fmt.Sprintf("http://10.0.0.1/%d", i))] = check.Mark{Number: uint64(i), Since: since}
	}
	for run := range 3 {
		if err := Save(path, marks); err != nil {
			t.Fatalf("run %d: Save: %v", run, err)
		}
		got, warning := Load(path)
		if warning != "" || len(got) != len(marks) || !got[Key("l2", "http://10.0.0.1/3999")].Since.Equal(since) {
			t.Fatalf("run %d: %d marks, warning %q; want %d and none", run, len(got), warning, len(marks))
		}
	}
	if info, err := os.Stat(path); err != nil || info.Size() <= 64<<10 {
		t.Fatalf("the state file of 4000 endpoints: %v, want over 64 KiB", err)
	}

	huge := filepath.Join(dir, "huge")
	if err := os.WriteFile(huge, []byte(`{"version":1,"tool":"headprobe","endpoints":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, maxSize+1); err != nil { // sparse: no disk spent
		t.Fatal(err)
	}
	if got, warning := Load(huge); len(got) != 0 || !strings.Contains(warning, "ignored (and rewritten): is larger than") {
		t.Errorf("a state file over %d bytes: %d marks, warning %q", maxSize, len(got), warning)
	}
	corrupt := filepath.Join(dir, "corrupt")
	if err := os.WriteFile(corrupt, []byte(`{"version":1,"tool":"headprobe","endpoints":{"l2/`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{huge, corrupt} {
		if err := Save(p, marks); err != nil {
			t.Errorf("Save over %s: %v, want it replaced", filepath.Base(p), err)
		}
		if got, warning := Load(p); warning != "" || len(got) != len(marks) {
			t.Errorf("%s after Save: %d marks, warning %q", filepath.Base(p), len(got), warning)
		}
	}
}
