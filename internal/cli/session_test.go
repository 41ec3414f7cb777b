package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/statefile"
)

// rpcNode is a JSON-RPC endpoint whose head advances by one block per eth_getBlockByNumber, with a
// fresh timestamp: a healthy node that a test can hit from many checks at once.
func rpcNode(t *testing.T) *httptest.Server {
	t.Helper()
	var head atomic.Uint64
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
			result := `"0x385"` // eth_chainId: 901
			if c.Method == "eth_getBlockByNumber" {
				n := head.Add(1)
				result = fmt.Sprintf(`{"number":"0x%x","hash":"0x%064x","parentHash":"0x%064x","timestamp":"0x%x"}`, n, n, n-1, time.Now().Unix())
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

// TestSession_ConcurrentChecksShareTheMarks runs checks of one session at once, as a server
// answering several scrapes would, with a state file and with in-memory marks (watch): under
// go test -race, no check reads a mark while another records one, and the marks end up saved.
func TestSession_ConcurrentChecksShareTheMarks(t *testing.T) {
	l2, builder := rpcNode(t), rpcNode(t)
	for _, withFile := range []bool{true, false} {
		t.Run(fmt.Sprintf("state file %v", withFile), func(t *testing.T) {
			args := hp("watch", "--l2", l2.URL, "--builder", builder.URL, "--max-stall", "1m") // marks in memory
			file := filepath.Join(t.TempDir(), "state.json")
			if withFile {
				args = hp("--l2", l2.URL, "--builder", builder.URL, "--max-stall", "1m", "--state-file", file)
			}
			p, err := Parse(args, nil)
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			s := app.Open(p.cfg, &stderr, nil)
			defer s.Close()
			s.RememberAcrossChecks()
			var wg sync.WaitGroup
			states := make([]check.State, 16)
			for i := range states {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := s.Check(context.Background())
					s.Record(r, true)
					states[i] = r.State
				}()
			}
			wg.Wait()
			for i, st := range states {
				if st != check.Healthy {
					t.Errorf("check %d: %s, want healthy", i, st)
				}
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr %q", stderr.String())
			}
			if !withFile {
				return
			}
			marks, w := statefile.Load(file)
			if w != "" || len(marks) != 2 {
				t.Errorf("state file: %d marks, warning %q; want the L2's and the builder's", len(marks), w)
			}
		})
	}
}
