package statefile

import (
	"encoding/json"
	"errors"
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
		"corrupt":     `{"version":1,"tool":"headprobe","endpoints":{`,
		"foreign":     `{"some":"other tool"}`,
		"old version": `{"version":99,"tool":"headprobe","endpoints":{}}`,
		"binary":      "\x00\x01\x02",
		"too large":   `{"pad":"` + strings.Repeat("x", maxSize) + `"}`,
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
