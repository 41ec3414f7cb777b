package serve

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// headOf is a GET request to path whose head (the request line and the header lines, each with
// its CRLF, the blank line that ends it not counted) is exactly size bytes.
func headOf(path string, size int) string {
	head := "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	const name = "X-Pad: "
	return head + name + strings.Repeat("a", size-len(head)-len(name)-2) + "\r\n\r\n"
}

// statusOf sends a raw request to addr and returns the status code of the answer.
func statusOf(t *testing.T, addr, request string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(request)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServe_RequestHeadAtMost8KiB: the README's bound holds to the byte on serve's own server,
// for serve's handler and the fleet's (their /-/reload included): a request head of 8,192 bytes
// is answered, one of 8,193 (or the 9,000-byte header) is 431, as is a far larger one,
// which http.Server refuses itself.
func TestServe_RequestHeadAtMost8KiB(t *testing.T) {
	running := New(newFakeClock(), Options{Every: time.Second})
	fleet := NewFleet(check.SystemClock{}, Targets{"a": {Probe: verdictProbe(check.Healthy), Bound: time.Second}}, nil, FleetOptions{MaxConcurrent: 1})
	for name, c := range map[string]struct {
		h    http.Handler
		path string
		ok   int
	}{
		"serve":           {running.Handler(), "/metrics", http.StatusOK},
		"serve --targets": {fleet.Handler(), "/healthz?target=a", http.StatusOK},
		"/-/reload":       {fleet.Handler(), "/-/reload", http.StatusMethodNotAllowed},
	} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- Serve(ctx, ln, c.h) }()
			defer func() { cancel(); <-done }()
			addr := ln.Addr().String()
			for size, want := range map[int]int{
				1 << 10:  c.ok,
				8192:     c.ok,
				8193:     http.StatusRequestHeaderFieldsTooLarge,
				9000:     http.StatusRequestHeaderFieldsTooLarge,
				12 << 10: http.StatusRequestHeaderFieldsTooLarge,
				64 << 10: http.StatusRequestHeaderFieldsTooLarge,
			} {
				if got := statusOf(t, addr, headOf(c.path, size)); got != want {
					t.Errorf("a request head of %d bytes: %d, want %d", size, got, want)
				}
			}
		})
	}
}
