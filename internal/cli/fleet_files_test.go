package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/fsx/fsxtest"
	"github.com/headprobe/headprobe/statefile"
)

// frozenNode is an L2 (or builder) whose head never moves: block #16, stamped now, so that only a
// state file can tell it is stuck. Each URL path is its own endpoint to headprobe.
func frozenNode(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		type call struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		var calls []call
		batch := bytes.HasPrefix(bytes.TrimSpace(body), []byte("["))
		if batch {
			json.Unmarshal(body, &calls)
		} else {
			var c call
			json.Unmarshal(body, &c)
			calls = []call{c}
		}
		var out []string
		for _, c := range calls {
			result := `"0x385"`
			if c.Method == "eth_getBlockByNumber" {
				result = fmt.Sprintf(`{"number":"0x10","hash":"0x%064x","parentHash":"0x%064x","timestamp":"0x%x"}`, 16, 15, time.Now().Unix())
			}
			out = append(out, `{"jsonrpc":"2.0","id":`+string(c.ID)+`,"result":`+result+`}`)
		}
		w.Header().Set("Content-Type", "application/json")
		if batch {
			io.WriteString(w, "["+strings.Join(out, ",")+"]")
			return
		}
		io.WriteString(w, out[0])
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFleet_TextfileAndStateFileOf2000TargetsKeptEveryRun: a fleet of 2,000 targets (an L2 and a
// builder each, three labels) writes a textfile far over 1 MiB and a state file far over 64 KiB;
// the next run reads both and rewrites both, without a warning: every target's last success is
// carried over, and every target's head, stuck since the first run, is judged stuck across runs.
//
// The fleet's bound is one target's (timeout + margin) for all 2,000: 30 s, so that a loaded
// machine, where the whole package's tests run side by side, cannot cut the run short (5 s did).
func TestFleet_TextfileAndStateFileOf2000TargetsKeptEveryRun(t *testing.T) {
	const n = 2000
	node := frozenNode(t).URL
	var file strings.Builder
	file.WriteString("defaults:\n  timeout: 30s\n  labels: {role: sequencer}\ntargets:\n")
	for i := range n {
		fmt.Fprintf(&file, "  seq-%d: {l2: %s/l2/%d, builder: %s/builder/%d, labels: {chain: chain-%d, region: r%d}}\n", i, node, i, node, i, i%7, i%5)
	}
	dir := t.TempDir()
	path, prom, state := targetsYAML(t, file.String()), filepath.Join(dir, "fleet.prom"), filepath.Join(dir, "fleet.state")
	args := []string{"--targets", path, "--max-concurrent", "64", "--textfile", prom, "--state-file", state, "--max-stall", "1m", "-q"}

	code, _, errOut := runFleetCommand(t, args...)
	if code != check.Healthy.ExitCode() || errOut != "" {
		t.Fatalf("first run: exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
	first := fsxtest.Snapshot(t, prom)
	if len(first.Data) <= 1<<20 || strings.Count(first.Data, "\nheadprobe_last_success_timestamp_seconds{") != n {
		t.Fatalf("first textfile: %d bytes, want over 1 MiB with %d last-success series", len(first.Data), n)
	}
	marks, warning := statefile.Load(state)
	if info, err := os.Stat(state); err != nil || info.Size() <= 64<<10 || warning != "" || len(marks) != 2*n {
		t.Fatalf("first state file: %v, %d marks, warning %q; want over 64 KiB with %d marks", err, len(marks), warning, 2*n)
	}
	if info, err := os.Stat(state); err == nil {
		t.Logf("%d targets: textfile %d bytes, state file %d bytes", n, len(first.Data), info.Size())
	}
	// The heads were first seen an hour ago: as if the first run had been then.
	for k, m := range marks {
		m.Since = m.Since.Add(-time.Hour)
		marks[k] = m
	}
	if err := statefile.Save(state, marks); err != nil {
		t.Fatalf("saving the marks over the large state file: %v", err)
	}

	code, out, errOut := runFleetCommand(t, append(args[:len(args)-1], "-o", "json")...)
	if errOut != "" {
		t.Errorf("second run's stderr %q, want nothing (both files read and written)", errOut)
	}
	if code != check.Unavailable.ExitCode() {
		t.Errorf("second run: exit %d, want %d: every head stuck for an hour", code, check.Unavailable.ExitCode())
	}
	var docs []struct {
		Target, Status, Reason string
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != n {
		t.Fatalf("second run: %v, %d documents, want %d", err, len(docs), n)
	}
	for _, d := range docs {
		if d.Status != "unavailable" || !strings.Contains(d.Reason, "l2 head stuck at #16 for 1h") || !strings.Contains(d.Reason, "across runs") {
			t.Errorf("%s: %s %q, want unavailable, its L2 head stuck across runs", d.Target, d.Status, d.Reason)
			break
		}
	}
	second := fsxtest.Snapshot(t, prom)
	if second.Inode == first.Inode || strings.Count(second.Data, "\nheadprobe_status{") != n {
		t.Errorf("the textfile was not rewritten by the second run (%d bytes)", len(second.Data))
	}
	if got := strings.Count(second.Data, "\nheadprobe_last_success_timestamp_seconds{"); got != n {
		t.Errorf("second textfile: %d last-success series carried over, want %d", got, n)
	}
	for i := range n {
		if want := fmt.Sprintf(`headprobe_status{chain="chain-%d",region="r%d",role="sequencer",target="seq-%d"} 2`, i%7, i%5, i); !strings.Contains(second.Data, want) {
			t.Errorf("second textfile lacks %s", want)
			break
		}
	}
	marks, warning = statefile.Load(state)
	if warning != "" || len(marks) != 2*n {
		t.Errorf("second state file: %d marks, warning %q", len(marks), warning)
	}
	for k, m := range marks {
		if time.Since(m.Since) < time.Hour {
			t.Errorf("mark %s restarted at %s: the stuck head's first sighting was lost", k, m.Since)
			break
		}
	}
}
