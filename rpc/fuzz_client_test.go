package rpc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzClientResponse serves arbitrary bytes as the body of an answer, with an arbitrary status,
// to a real Client over loopback: go-ethereum's decoding, the body cap and the classification
// together must give a head or a one-line *Failure of bounded length, never a panic.
func FuzzClientResponse(f *testing.F) {
	for _, dir := range []string{"geth-1.17.10-dev", "ganache-7.9.2"} {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", "recordings", dir, "*.http"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			if _, body, ok := strings.Cut(string(data), "\n\n"); ok {
				f.Add(uint16(200), []byte(body))
			}
		}
	}
	f.Add(uint16(401), []byte("signature is invalid"))
	f.Add(uint16(500), []byte("<html><body>oops</body></html>"))
	f.Add(uint16(200), []byte(`[{"jsonrpc":"2.0","id":1,"result":null}]`))
	f.Add(uint16(302), []byte(""))

	var mu sync.Mutex
	var status int
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		code, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		w.Write(b)
	}))
	defer srv.Close()
	c := New(srv.URL, Options{Timeout: 2 * time.Second})
	defer c.Close()

	f.Fuzz(func(t *testing.T, code uint16, data []byte) {
		mu.Lock()
		status, body = 200+int(code)%400, data // 200–599
		mu.Unlock()
		_, err := c.Head(context.Background())
		if err == nil {
			return
		}
		var fail *Failure
		if !errors.As(err, &fail) {
			t.Fatalf("not a *Failure: %T %v", err, err)
		}
		msg := fail.Error()
		if strings.ContainsAny(msg, "\r\n") || len(msg) > 400 || !utf8.ValidString(msg) || fail.Class == "" {
			t.Fatalf("reason not one short valid line (%d bytes, class %q): %q", len(msg), fail.Class, msg)
		}
		if fail.Class == ClassTimeout || fail.Class == ClassCanceled {
			t.Fatalf("a complete answer was taken for a %s: %q", fail.Class, msg)
		}
	})
}

func TestServerText_IsMadePrintable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad \x1b[2J\x1b]0;pwned\x07 gateway \xff", http.StatusBadGateway)
	}))
	defer srv.Close()
	c := New(srv.URL, Options{Timeout: time.Second})
	defer c.Close()
	_, err := c.Head(context.Background())
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !utf8.ValidString(err.Error()) || !strings.Contains(err.Error(), "gateway") {
		t.Errorf("reason %q", err)
	}
}
