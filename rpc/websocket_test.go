package rpc

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
	"github.com/gorilla/websocket"
)

// ethAPI answers eth_getBlockByNumber like a node whose head is okResponse's block.
type ethAPI struct{}

func (ethAPI) GetBlockByNumber(number string, full bool) (json.RawMessage, error) {
	var msg struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal([]byte(okResponse), &msg); err != nil {
		return nil, err
	}
	return msg.Result, nil
}

// gethServer is a go-ethereum JSON-RPC server with the eth namespace above.
func gethServer(t *testing.T) *gethrpc.Server {
	t.Helper()
	srv := gethrpc.NewServer()
	if err := srv.RegisterName("eth", ethAPI{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

func wsURL(httpURL string) string { return "ws" + strings.TrimPrefix(httpURL, "http") }

func TestWebSocketHead(t *testing.T) {
	srv := serve(t, gethServer(t).WebsocketHandler([]string{"*"}).ServeHTTP)
	c := New(wsURL(srv.URL), Options{Timeout: time.Second})
	defer c.Close()
	for i := 0; i < 2; i++ {
		if h, err := c.Head(context.Background()); err != nil || h != okHead {
			t.Fatalf("call %d: head %+v, error %v", i, h, err)
		}
	}
}

func TestWebSocketJWTAndHeaders(t *testing.T) {
	var (
		mu      sync.Mutex
		headers []http.Header
	)
	ws := gethServer(t).WebsocketHandler([]string{"*"})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		mu.Unlock()
		ws.ServeHTTP(w, r)
	})
	h := http.Header{}
	h.Set("X-Probe-Test", "hello")
	_, _, err := callHead(t, wsURL(srv.URL), Options{Timeout: time.Second, JWTSecret: testSecret, Headers: h})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(headers) != 1 {
		t.Fatalf("%d handshakes", len(headers))
	}
	verifyToken(t, headers[0].Get("Authorization"), testSecret)
	if got := headers[0].Get("X-Probe-Test"); got != "hello" {
		t.Errorf("X-Probe-Test %q", got)
	}
}

func TestWebSocketFailures(t *testing.T) {
	const timeout = 300 * time.Millisecond
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		class   Class
		want    []string
		// timeout, when set, replaces the short one: the case judges a class, not timing (4 MiB
		// through the race detector on a loaded machine can take longer than 300 ms).
		timeout time.Duration
	}{
		{"401 on the handshake", respond(401, "text/plain", "missing token\n"), ClassUnauthorized, []string{"401", hintNoCredentials}, 0},
		{"plain HTTP server", respond(200, "application/json", okResponse), ClassConnection, []string{"bad handshake"}, 0},
		{"upgraded, never answers", func(w http.ResponseWriter, r *http.Request) {
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer conn.Close()
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		}, ClassTimeout, []string{"timeout"}, 0},
		{"message over the cap", func(w http.ResponseWriter, r *http.Request) {
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer conn.Close()
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
			big := `{"jsonrpc":"2.0","id":1,"result":"` + strings.Repeat("a", MaxResponseBytes) + `"}`
			conn.WriteMessage(websocket.TextMessage, []byte(big))
			conn.ReadMessage()
		}, ClassTooLarge, []string{"larger than"}, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, tc.handler)
			limit := timeout
			if tc.timeout > 0 {
				limit = tc.timeout
			}
			_, took, err := callHead(t, wsURL(srv.URL), Options{Timeout: limit})
			wantFailure(t, err, tc.class, tc.want...)
			wantWithin(t, took, limit+slack)
		})
	}
}

func TestWebSocketTLSToPlainServer(t *testing.T) {
	srv := serve(t, respond(200, "application/json", okResponse))
	_, _, err := callHead(t, "wss"+strings.TrimPrefix(srv.URL, "http"), Options{Timeout: time.Second})
	wantFailure(t, err, ClassTLS, "does not speak TLS")
}

// TestWebSocketDropped_NextCallReconnects: a server that closes the WebSocket fails one call, and
// the next call dials afresh. A client that stayed failed would make `watch` sticky, as
// rollup-boost's first /healthz was.
func TestWebSocketDropped_NextCallReconnects(t *testing.T) {
	handler := gethServer(t).WebsocketHandler([]string{"*"})
	var mu sync.Mutex
	conns := 0
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns++
		first := conns == 1
		mu.Unlock()
		if first { // upgrade, then drop the connection at once
			up := websocket.Upgrader{}
			if ws, err := up.Upgrade(w, r, nil); err == nil {
				ws.Close()
			}
			return
		}
		handler.ServeHTTP(w, r)
	})
	c := New(wsURL(srv.URL), Options{Timeout: time.Second})
	defer c.Close()
	if _, err := c.Head(context.Background()); err == nil {
		t.Fatal("the dropped connection answered")
	}
	h, err := c.Head(context.Background())
	if err != nil || h != okHead {
		t.Fatalf("after a drop: head %+v, error %v (the client stayed failed)", h, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 2 {
		t.Errorf("%d connections, want 2 (one dropped, one fresh)", conns)
	}
}
