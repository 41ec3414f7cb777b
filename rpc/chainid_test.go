package rpc

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// chainServer answers eth_chainId with chainID and eth_getBlockByNumber with okResponse's block,
// as single calls and batches, counting the eth_chainId calls and the batches.
func chainServer(t *testing.T, chainID string, chainIDCalls, batches *atomic.Int64) string {
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
			batches.Add(1)
			json.Unmarshal(body, &calls)
		} else {
			var c call
			json.Unmarshal(body, &c)
			calls = []call{c}
		}
		var out []json.RawMessage
		for _, c := range calls {
			result := `{"number":"0x3","hash":"0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938","timestamp":"0x6b059cbe"}`
			if c.Method == "eth_chainId" {
				chainIDCalls.Add(1)
				result = chainID
			}
			out = append(out, json.RawMessage(`{"jsonrpc":"2.0","id":`+string(c.ID)+`,"result":`+result+`}`))
		}
		w.Header().Set("Content-Type", "application/json")
		if batch {
			json.NewEncoder(w).Encode(out)
		} else {
			w.Write(out[0])
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestChainID_AskedOnceAndZeroIsAnAnswer (issue #8): over a window of many polls, eth_chainId is
// asked once, in the first batch; a chain id of 0 is learnt like any other and never asked again.
func TestChainID_AskedOnceAndZeroIsAnAnswer(t *testing.T) {
	for _, id := range []string{`"0x0"`, `"0x385"`} {
		t.Run(id, func(t *testing.T) {
			var chainIDCalls, batches atomic.Int64
			c := New(chainServer(t, id, &chainIDCalls, &batches), Options{Timeout: time.Second, ChainID: true})
			defer c.Close()
			for i := 0; i < 14; i++ {
				h, err := c.Head(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				want := uint64(0)
				if id == `"0x385"` {
					want = 901
				}
				if !h.ChainIDKnown || h.ChainID != want || h.Number != 3 {
					t.Fatalf("poll %d: head %+v, want chain id %d known", i, h, want)
				}
			}
			if n, b := chainIDCalls.Load(), batches.Load(); n != 1 || b != 1 {
				t.Errorf("eth_chainId asked %d times in %d batches over 14 polls, want once in one", n, b)
			}
		})
	}
	t.Run("not asked", func(t *testing.T) {
		var chainIDCalls, batches atomic.Int64
		c := New(chainServer(t, `"0x0"`, &chainIDCalls, &batches), Options{Timeout: time.Second})
		defer c.Close()
		h, err := c.Head(t.Context())
		if err != nil || h.ChainIDKnown || chainIDCalls.Load() != 0 {
			t.Errorf("head %+v, error %v, %d eth_chainId calls: want none, and the chain id unknown", h, err, chainIDCalls.Load())
		}
	})
}
