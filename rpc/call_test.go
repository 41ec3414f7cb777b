package rpc

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// batchAnswer serves body to every request.
func batchAnswer(t *testing.T, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestBatch_EachAnswersErrorNamesItsMethod(t *testing.T) {
	url := batchAnswer(t, `[{"jsonrpc":"2.0","id":1,"result":true},{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"the method b_two does not exist/is not available"}}]`)
	c := New(url, Options{Timeout: time.Second})
	defer c.Close()
	var one, two json.RawMessage
	calls := []gethrpc.BatchElem{{Method: "a_one", Result: &one}, {Method: "b_two", Result: &two}, {Method: "c_three", Result: new(json.RawMessage)}}
	if err := c.Batch(context.Background(), calls); err != nil {
		t.Fatal(err)
	}
	if calls[0].Error != nil || string(one) != "true" {
		t.Errorf("first answer %s, %v", one, calls[0].Error)
	}
	f := wantFailure(t, calls[1].Error, ClassRPCError, "b_two: JSON-RPC error -32601")
	if !MethodNotFound(f) {
		t.Errorf("%q is not a method not found", f.Msg)
	}
	wantFailure(t, calls[2].Error, ClassMalformed, "no answer to c_three")
}

func TestCall_MethodNotFoundAndTransportFailures(t *testing.T) {
	url := batchAnswer(t, `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}`)
	c := New(url, Options{Timeout: time.Second})
	defer c.Close()
	err := c.Call(context.Background(), new(json.RawMessage), "admin_sequencerActive")
	if !MethodNotFound(err) {
		t.Errorf("%v is not a method not found", err)
	}
	if MethodNotFound(&Failure{Class: ClassHTTP, Msg: "HTTP 500: JSON-RPC error -32601"}) {
		t.Error("an HTTP failure counted as a method not found")
	}
}

func TestGetter_NeverFollowsARedirectAndSendsItsHeaders(t *testing.T) {
	var target atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { target.Add(1) }))
	defer other.Close()
	var header string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header.Get("X-Key")
		http.Redirect(w, r, other.URL, http.StatusFound)
	}))
	defer srv.Close()
	g := NewGetter(srv.URL+"/healthz", Options{Timeout: time.Second, Headers: http.Header{"X-Key": {"k1"}}})
	defer g.Close()
	_, err := g.Get(context.Background(), 200)
	wantFailure(t, err, ClassRedirect, "HTTP 302 redirect not followed")
	if target.Load() != 0 || header != "k1" {
		t.Errorf("redirect target asked %d times; header %q", target.Load(), header)
	}
}

func TestGetter_BodyIsReadUpToItsCapAndMadePrintable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(206)
		w.Write([]byte("Partial\x1b[2J Content\n" + strings.Repeat("x", 1<<20)))
	}))
	defer srv.Close()
	g := NewGetter(srv.URL, Options{Timeout: time.Second})
	defer g.Close()
	a, err := g.Get(context.Background(), 200, 206)
	if err != nil || a.Status != 206 {
		t.Fatalf("%+v, %v", a, err)
	}
	if len(a.Body) > maxEcho+4 || strings.ContainsAny(a.Body, "\x1b\n") || !strings.HasPrefix(a.Body, "Partial\ufffd[2J Content x") {
		t.Errorf("body %q", a.Body)
	}
}

// TestGetter_AStatusWithALongDeclaredBodyIsStillThatStatus: only the first bytes of a plain HTTP
// answer are read, so a declared Content-Length over the JSON-RPC body cap does not turn rollup-
// boost's 206 into a refused answer (a chunked body of the same length is already a 206).
func TestGetter_AStatusWithALongDeclaredBodyIsStillThatStatus(t *testing.T) {
	const size = MaxResponseBytes + 1<<20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.WriteHeader(206)
		w.Write([]byte(strings.Repeat("x", size)))
	}))
	defer srv.Close()
	g := NewGetter(srv.URL, Options{Timeout: time.Second})
	defer g.Close()
	a, err := g.Get(context.Background(), 200, 206)
	if err != nil || a.Status != 206 {
		t.Fatalf("%+v, %v; want the 206", a, err)
	}
}
