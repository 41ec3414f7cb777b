package flashblocks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/check"
)

// wsServer serves every upgraded connection with serve; conns counts them.
func wsServer(t *testing.T, serve func(c *websocket.Conn)) (url string, conns *atomic.Int64) {
	t.Helper()
	conns = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		conns.Add(1)
		defer c.Close()
		serve(c)
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), conns
}

// frameJSON is a flashblock for block, index 0 with base.
func frameJSON(block uint64, index int) []byte {
	if index == 0 {
		return []byte(fmt.Sprintf(`{"payload_id":"0x%016x","index":0,"base":{"block_number":"0x%x"},"diff":{},"metadata":{}}`, block, block))
	}
	return []byte(fmt.Sprintf(`{"payload_id":"0x%016x","index":%d,"diff":{},"metadata":{"block_number":%d}}`, block, index, block))
}

// publishing sends frames for block every 20 ms until the client goes.
func publishing(block uint64) func(c *websocket.Conn) {
	return func(c *websocket.Conn) {
		for i := 0; ; i++ {
			if err := c.WriteMessage(websocket.TextMessage, frameJSON(block, i)); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// waitClosed reads until the client closes.
func waitClosed(c *websocket.Conn) {
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}

func newPart(url string, gap time.Duration) *Part {
	return New(Options{URL: url, Timeout: time.Second, MaxGap: gap, Role: partRole, Against: l2Role})
}

// observeAt observes p once, with the L2 at head (in Heads, and judged), within bound.
func observeAt(t *testing.T, p *Part, head uint64, bound time.Duration) (check.Finding, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	heads := check.NewHeads()
	heads.Set(l2Role.Name, check.Head{Number: head})
	start := time.Now()
	s := p.Observe(ctx, check.SystemClock{}, check.Config{}, heads)
	took := time.Since(start)
	res := &check.Result{Endpoints: []check.Endpoint{{Role: l2Role, Observation: check.Observation{Last: &check.Head{Number: head}}}}}
	return s.Judge(check.Health, check.Config{}, res), took
}

func errorClass(f check.Finding) string { return f.Detail.Doc().(Doc).ErrorClass }

func TestPart_AnswersAsSoonAsAFrameIsForTheNextBlock(t *testing.T) {
	url, _ := wsServer(t, publishing(11))
	p := newPart(url, 5*time.Second)
	defer p.Close()
	f, took := observeAt(t, p, 10, 10*time.Second)
	if !f.OK() || f.Reason != "building #11 on the L2's #10" {
		t.Fatalf("finding %q %q", f.Cause, f.Reason)
	}
	if took > 2*time.Second { // far under the 5 s gap: it did not wait for it
		t.Errorf("took %s", took)
	}
}

func TestPart_Faults(t *testing.T) {
	status := func(code int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }))
		t.Cleanup(srv.Close)
		return "ws" + strings.TrimPrefix(srv.URL, "http")
	}
	serve := func(f func(c *websocket.Conn)) string { url, _ := wsServer(t, f); return url }
	const gap = 300 * time.Millisecond
	for _, tc := range []struct {
		name   string
		url    string
		cause  check.Cause
		class  string
		reason string
	}{
		{"upgrade refused: HTTP 200", status(200), check.CauseUnreachable, "connection", "websocket: bad handshake (HTTP status 200 OK)"},
		{"upgrade refused: HTTP 404", status(404), check.CauseUnreachable, "connection", "websocket: bad handshake (HTTP status 404 Not Found)"},
		{"upgrade refused: HTTP 401", status(401), check.CauseUnreachable, "unauthorized", "unauthorized (HTTP 401 on the WebSocket handshake)"},
		{"accepted and silent", serve(waitClosed), check.CauseStale, "", "no frame within 300ms"},
		{"garbage text", serve(func(c *websocket.Conn) { c.WriteMessage(websocket.TextMessage, []byte("garbage")); waitClosed(c) }), CauseMalformedFrame, "malformed", "malformed frame: not a flashblock"},
		{"binary, not brotli", serve(func(c *websocket.Conn) {
			c.WriteMessage(websocket.BinaryMessage, []byte{0xff, 0xfe, 1, 2})
			waitClosed(c)
		}), CauseMalformedFrame, "malformed", "not brotli-compressed"},
		{"too large", serve(func(c *websocket.Conn) {
			c.WriteMessage(websocket.TextMessage, []byte(strings.Repeat(" ", MaxFrameBytes+1)))
			waitClosed(c)
		}), CauseMalformedFrame, "too_large", "frame larger than 4194304 bytes: refused"},
		{"an old block", serve(publishing(5)), check.CauseBehind, "", "building #5 while the L2 is at #10"},
		{"metadata.block_number -1", serve(func(c *websocket.Conn) {
			c.WriteMessage(websocket.TextMessage, []byte(`{"payload_id":"0x0000000000000001","index":1,"diff":{},"metadata":{"block_number":-1}}`))
			waitClosed(c)
		}), CauseMalformedFrame, "malformed", "metadata.block_number"},
		{`metadata.block_number "151"`, serve(func(c *websocket.Conn) {
			c.WriteMessage(websocket.TextMessage, []byte(`{"payload_id":"0x0000000000000001","index":1,"diff":{},"metadata":{"block_number":"151"}}`))
			waitClosed(c)
		}), CauseMalformedFrame, "malformed", "metadata.block_number"},
		{"metadata.block_number 1e30", serve(func(c *websocket.Conn) {
			c.WriteMessage(websocket.TextMessage, []byte(`{"payload_id":"0x0000000000000001","index":1,"diff":{},"metadata":{"block_number":1e30}}`))
			waitClosed(c)
		}), CauseMalformedFrame, "malformed", "metadata.block_number"},
		{"closed after one frame", serve(func(c *websocket.Conn) { c.WriteMessage(websocket.TextMessage, frameJSON(5, 0)) }), check.CauseUnreachable, "connection", "connection closed by the server"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := gap
			if tc.class == "too_large" { // 4 MiB to send: longer than 300 ms on a loaded machine
				g = 5 * time.Second
			}
			p := newPart(tc.url, g)
			defer p.Close()
			f, took := observeAt(t, p, 10, g+5*time.Second)
			if f.Cause != tc.cause || !strings.Contains(f.Reason, tc.reason) || errorClass(f) != tc.class {
				t.Errorf("cause %q class %q reason %q; want %q %q %q", f.Cause, errorClass(f), f.Reason, tc.cause, tc.class, tc.reason)
			}
			if took > g+time.Second {
				t.Errorf("took %s, beyond the gap %s", took, g)
			}
		})
	}
}

// TestPart_KeepsItsSubscriptionAndRedials: checks on one part share a subscription, judged by the
// time since the last frame; after the server closed it, the next check subscribes again.
func TestPart_KeepsItsSubscriptionAndRedials(t *testing.T) {
	var closeNow atomic.Bool
	url, conns := wsServer(t, func(c *websocket.Conn) {
		for i := 0; !closeNow.Load(); i++ {
			if err := c.WriteMessage(websocket.TextMessage, frameJSON(11, i)); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	p := newPart(url, 5*time.Second)
	defer p.Close()
	for i := range 3 {
		if f, _ := observeAt(t, p, 10, 10*time.Second); !f.OK() {
			t.Fatalf("check %d: %q %q", i, f.Cause, f.Reason)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d subscriptions for three checks, want 1", n)
	}
	closeNow.Store(true)
	deadline := time.Now().Add(5 * time.Second)
	for p.s.feed.view(0).ended == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	closeNow.Store(false)
	if f, _ := observeAt(t, p, 10, 10*time.Second); !f.OK() {
		t.Fatalf("after the close: %q %q", f.Cause, f.Reason)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d subscriptions, want 2: a fresh one after the close", n)
	}
}

// TestPart_KeptSubscriptionGoneQuiet: a kept subscription whose last frame is older than the gap is
// stale at once, without waiting a gap more.
func TestPart_KeptSubscriptionGoneQuiet(t *testing.T) {
	var quiet atomic.Bool
	url, _ := wsServer(t, func(c *websocket.Conn) {
		for i := 0; ; i++ {
			if !quiet.Load() {
				if err := c.WriteMessage(websocket.TextMessage, frameJSON(11, i)); err != nil {
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	const gap = 200 * time.Millisecond
	p := newPart(url, gap)
	defer p.Close()
	if f, _ := observeAt(t, p, 10, 5*time.Second); !f.OK() {
		t.Fatalf("first check: %q %q", f.Cause, f.Reason)
	}
	quiet.Store(true)
	time.Sleep(3 * gap)
	f, took := observeAt(t, p, 10, 5*time.Second)
	if f.Cause != check.CauseStale || !strings.HasPrefix(f.Reason, "no frame for ") {
		t.Errorf("cause %q reason %q, want stale since the last frame", f.Cause, f.Reason)
	}
	if took > gap {
		t.Errorf("took %s: it waited for a gap more", took)
	}
}

// TestPart_TLS: wss uses the TLS configuration of the other endpoints (--tls-ca and the rest), and
// an untrusted certificate is their TLS failure.
func TestPart_TLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		publishing(11)(c)
	}))
	defer srv.Close()
	url := "wss" + strings.TrimPrefix(srv.URL, "https")
	p := newPart(url, 5*time.Second)
	defer p.Close()
	if f, _ := observeAt(t, p, 10, 5*time.Second); f.Cause != check.CauseUnreachable || errorClass(f) != "tls" || !strings.Contains(f.Reason, "unknown authority (use --tls-ca)") {
		t.Errorf("untrusted: cause %q class %q reason %q", f.Cause, errorClass(f), f.Reason)
	}
	trusted := New(Options{URL: url, Timeout: time.Second, MaxGap: 5 * time.Second, Role: partRole, Against: l2Role,
		TLS: srv.Client().Transport.(*http.Transport).TLSClientConfig})
	defer trusted.Close()
	if f, _ := observeAt(t, trusted, 10, 5*time.Second); !f.OK() {
		t.Errorf("trusted: cause %q reason %q", f.Cause, f.Reason)
	}
}

// TestPart_KeptSubscriptionReportsBadFramesBetweenChecks: a frame that did not decode between two
// checks fails the next one, once.
func TestPart_KeptSubscriptionReportsBadFramesBetweenChecks(t *testing.T) {
	send := make(chan []byte, 1)
	url, _ := wsServer(t, func(c *websocket.Conn) {
		for i := 0; ; i++ {
			select {
			case b := <-send:
				c.WriteMessage(websocket.TextMessage, b)
			default:
			}
			if err := c.WriteMessage(websocket.TextMessage, frameJSON(11, i)); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	p := newPart(url, 5*time.Second)
	defer p.Close()
	if f, _ := observeAt(t, p, 10, 5*time.Second); !f.OK() {
		t.Fatalf("first check: %q %q", f.Cause, f.Reason)
	}
	send <- []byte("garbage")
	for deadline := time.Now().Add(5 * time.Second); p.s.feed.view(0).badSeq == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the bad frame never came")
		}
	}
	if f, _ := observeAt(t, p, 10, 5*time.Second); f.Cause != CauseMalformedFrame {
		t.Errorf("the check after a bad frame: %q %q, want malformed", f.Cause, f.Reason)
	}
	if f, _ := observeAt(t, p, 10, 5*time.Second); !f.OK() {
		t.Errorf("the check after that: %q %q, want ok", f.Cause, f.Reason)
	}
}
