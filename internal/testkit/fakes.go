package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// FakeRPC is a JSON-RPC server over HTTP, for the parts' tests (rollup-boost's debug API,
// op-conductor, op-node's admin API): each method answers with fixed members after "id", such
// as `"result":true` or `"error":{"code":-32601,"message":"…"}`; a method it does not know answers
// -32601 as go-ethereum's server does. Batches are answered in order. Safe for concurrent use.
type FakeRPC struct {
	mu      sync.Mutex
	replies map[string]string
	calls   int
}

// NewFakeRPC is a FakeRPC answering replies (method → members).
func NewFakeRPC(replies map[string]string) *FakeRPC {
	f := &FakeRPC{replies: map[string]string{}}
	for m, r := range replies {
		f.replies[m] = r
	}
	return f
}

// Set changes one method's answer.
func (f *FakeRPC) Set(method, members string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[method] = members
}

// Requests is how many HTTP requests it answered (a batch is one).
func (f *FakeRPC) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Start serves it on 127.0.0.1 until the test ends and returns its URL.
func (f *FakeRPC) Start(t testing.TB) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

// ServeHTTP answers one call or one batch.
func (f *FakeRPC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	type call struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	answer := func(c call) []byte {
		f.mu.Lock()
		members, ok := f.replies[c.Method]
		f.mu.Unlock()
		if !ok {
			members = `"error":{"code":-32601,"message":"the method ` + c.Method + ` does not exist/is not available"}`
		}
		return []byte(`{"jsonrpc":"2.0","id":` + string(c.ID) + `,` + members + `}`)
	}
	w.Header().Set("Content-Type", "application/json")
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var calls []call
		json.Unmarshal(trimmed, &calls)
		out := [][]byte{}
		for _, c := range calls {
			out = append(out, answer(c))
		}
		w.Write(append(append([]byte("["), bytes.Join(out, []byte(","))...), ']'))
		return
	}
	var c call
	json.Unmarshal(trimmed, &c)
	w.Write(answer(c))
}

// Fixture is a recorded answer kept in a package's testdata, naming the source it follows.
type Fixture struct {
	// Source is the file of the real implementation the shape follows.
	Source string `json:"source"`
	// Status and Body are a plain HTTP answer (rollup-boost's /healthz).
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	// Result is a JSON-RPC result; Results one per method of a batch.
	Result  json.RawMessage            `json:"result,omitempty"`
	Results map[string]json.RawMessage `json:"results,omitempty"`
}

// LoadFixture reads the fixture at path (".json" added when it has no extension), relative to the
// test's package directory; it fails the test if the fixture names no source.
func LoadFixture(t testing.TB, path string) Fixture {
	t.Helper()
	if filepath.Ext(path) == "" {
		path += ".json"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f Fixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if f.Source == "" {
		t.Fatalf("%s names no source", path)
	}
	return f
}

// StatusServer answers every request with status and body, plain text.
func StatusServer(t testing.TB, status int, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// HangServer accepts requests and never answers until the test ends.
func HangServer(t testing.TB) string {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

// GarbageServer answers every connection with bytes that are not HTTP, then closes it.
func GarbageServer(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				c.Read(buf)
				c.Write([]byte("\x00\x01garbage \x1b[31mnot http\r\n\r\n"))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// RefusedURL is an http URL on 127.0.0.1 where nothing listens.
func RefusedURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
