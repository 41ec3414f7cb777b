package rpc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// recordingsDir holds raw HTTP responses captured from real clients (see its README).
const recordingsDir = "../testdata/recordings"

// slack is how much later than its timeout a failing Head may return: room for a loaded machine
// to schedule the timer and the goroutines it wakes. The servers that never answer hold on until
// the test ends, so a Head that ignores its timeout still fails.
const slack = 500 * time.Millisecond

// recording is one captured HTTP response, parsed.
type recording struct {
	resp *http.Response
	body []byte
}

// loadRecording parses testdata/recordings/<name>.http with http.ReadResponse.
func loadRecording(t testing.TB, name string) recording {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(recordingsDir, name+".http"))
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: body: %v", name, err)
	}
	if rest, _ := io.ReadAll(r); len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("%s: %d bytes after the body the Content-Length announces", name, len(rest))
	}
	return recording{resp: resp, body: body}
}

// rpcRequest is what a test server saw of one JSON-RPC call.
type rpcRequest struct {
	Header http.Header
	Method string
	Params []json.RawMessage
	ID     json.RawMessage
}

// requestLog records the requests a test server received.
type requestLog struct {
	mu   sync.Mutex
	reqs []rpcRequest
}

func (l *requestLog) add(r *http.Request) {
	var msg struct {
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
		ID     json.RawMessage   `json:"id"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = json.Unmarshal(body, &msg)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, rpcRequest{Header: r.Header.Clone(), Method: msg.Method, Params: msg.Params, ID: msg.ID})
}

func (l *requestLog) all() []rpcRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]rpcRequest(nil), l.reqs...)
}

// checkHeadRequest fails unless req is eth_getBlockByNumber("latest", false).
func checkHeadRequest(t *testing.T, req rpcRequest) {
	t.Helper()
	if req.Method != "eth_getBlockByNumber" {
		t.Errorf("method %q, want eth_getBlockByNumber", req.Method)
	}
	if len(req.Params) != 2 || string(req.Params[0]) != `"latest"` || string(req.Params[1]) != "false" {
		t.Errorf("params %s, want [\"latest\", false]", req.Params)
	}
}

// replayServer serves rec verbatim on every request: the status line as recorded (so an
// empty reason phrase stays empty), the recorded headers, then the body.
func replayServer(t *testing.T, rec recording, log *requestLog) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if log != nil {
			log.add(r)
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/%d.%d %s\r\n", rec.resp.ProtoMajor, rec.resp.ProtoMinor, rec.resp.Status)
		if err := rec.resp.Header.Write(buf); err != nil {
			t.Errorf("write headers: %v", err)
		}
		buf.WriteString("\r\n")
		buf.Write(rec.body)
		if err := buf.Flush(); err != nil {
			t.Errorf("write response: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// callHead runs one Head call against url and reports how long it took.
func callHead(t *testing.T, url string, opts Options) (check.Head, time.Duration, error) {
	t.Helper()
	c := New(url, opts)
	defer c.Close()
	start := time.Now()
	h, err := c.Head(context.Background())
	return h, time.Since(start), err
}

// wantFailure fails unless err is a *Failure of class want whose reason contains every substring.
func wantFailure(t *testing.T, err error, want Class, substrings ...string) *Failure {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a %s failure", want)
	}
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %T %q is not a *Failure", err, err)
	}
	t.Logf("%s: %s", f.Class, f.Msg)
	if f.Class != want {
		t.Errorf("class %q (%q), want %q", f.Class, f.Msg, want)
	}
	for _, s := range substrings {
		if !strings.Contains(f.Error(), s) {
			t.Errorf("reason %q does not contain %q", f.Error(), s)
		}
	}
	if strings.ContainsAny(f.Error(), "\n\r") {
		t.Errorf("reason %q spans several lines", f.Error())
	}
	return f
}

// wantWithin fails if a call took longer than limit.
func wantWithin(t *testing.T, took, limit time.Duration) {
	t.Helper()
	if took > limit {
		t.Errorf("returned after %s, want within %s", took, limit)
	}
}

// listen opens a TCP listener on a free loopback port.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// rawServer accepts connections on a loopback port and hands each to serve; every connection
// is closed when the test ends. It returns the http:// URL of the listener.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln := listen(t)
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				serve(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

// readRequest reads one HTTP request (headers and body) from conn.
func readRequest(conn net.Conn) (*http.Request, error) {
	req, err := http.ReadRequest(bufio.NewReader(conn))
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, req.Body)
	return req, err
}
