package flashblocks

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// trickleServer answers every websocket handshake with a 101 sent one byte every step, never
// finishing within the test's timeouts, as a stalled or hostile proxy would.
func trickleServer(t *testing.T, step time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				answer := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
				for i := range len(answer) {
					select {
					case <-done:
						return
					case <-time.After(step):
					}
					if _, err := c.Write([]byte{answer[i]}); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "ws://" + ln.Addr().String()
}

// TestPart_HandshakeTrickled_IsATimeout (issue #18): a handshake answered byte by byte past the
// timeout is the timeout class, not a malformed HTTP response cut at the deadline.
func TestPart_HandshakeTrickled_IsATimeout(t *testing.T) {
	for _, step := range []time.Duration{20 * time.Millisecond, 70 * time.Millisecond} {
		t.Run(step.String(), func(t *testing.T) {
			p := New(Options{URL: trickleServer(t, step), Timeout: 300 * time.Millisecond, MaxGap: time.Second, Role: partRole, Against: l2Role})
			defer p.Close()
			f, took := observeAt(t, p, 10, 5*time.Second)
			if f.Cause != check.CauseUnreachable || errorClass(f) != "timeout" || strings.Contains(f.Reason, "malformed") {
				t.Errorf("cause %q class %q reason %q; want unreachable, timeout", f.Cause, errorClass(f), f.Reason)
			}
			if took > 2*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}
