package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBatchWithMissingOrRepeatedIDs_IsMalformed (issue #8): a batch answer whose ids do not match
// the calls is a malformed response, not a connection failure.
func TestBatchWithMissingOrRepeatedIDs_IsMalformed(t *testing.T) {
	block := `{"number":"0x3","hash":"0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938","timestamp":"0x6b059cbe"}`
	for name, answer := range map[string]func(ids []json.RawMessage) string{
		"repeated id": func(ids []json.RawMessage) string {
			return `[{"jsonrpc":"2.0","id":` + string(ids[0]) + `,"result":"0x385"},{"jsonrpc":"2.0","id":` + string(ids[0]) + `,"result":` + block + `}]`
		},
		"missing id": func(ids []json.RawMessage) string {
			return `[{"jsonrpc":"2.0","id":` + string(ids[0]) + `,"result":"0x385"}]`
		},
		"unknown ids": func([]json.RawMessage) string {
			return `[{"jsonrpc":"2.0","id":98,"result":"0x385"},{"jsonrpc":"2.0","id":99,"result":` + block + `}]`
		},
		"empty batch": func([]json.RawMessage) string { return `[]` },
	} {
		t.Run(name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				var calls []struct {
					ID json.RawMessage `json:"id"`
				}
				body, _ := io.ReadAll(r.Body)
				json.Unmarshal(body, &calls)
				var ids []json.RawMessage
				for _, c := range calls {
					ids = append(ids, c.ID)
				}
				if len(ids) != 2 {
					http.Error(w, "want a batch of 2", 400)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, answer(ids))
			})
			_, _, err := callHead(t, srv.URL, Options{Timeout: time.Second, ChainID: true})
			wantFailure(t, err, ClassMalformed, "malformed response: the batch answer has no answer to eth_", "ids missing or repeated")
		})
	}
}

// TestTimeout_ByTheRunsDeadline_SaysSo (issue #8): a request cut short by the run's own deadline,
// before its timeout, says so rather than "no answer within" the timeout.
func TestTimeout_ByTheRunsDeadline_SaysSo(t *testing.T) {
	done := make(chan struct{})
	hang := serve(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	t.Cleanup(func() { close(done) }) // before the server's Close, which waits for its handlers
	c := New(hang.URL, Options{Timeout: 10 * time.Second})
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.HashAt(ctx, 7)
	f := wantFailure(t, err, ClassTimeout, "cut short by the run's deadline")
	if strings.Contains(f.Msg, "within") {
		t.Errorf("reason %q blames the request timeout", f.Msg)
	}
	short := New(hang.URL, Options{Timeout: 100 * time.Millisecond})
	defer short.Close()
	_, err = short.Head(t.Context())
	wantFailure(t, err, ClassTimeout, "no answer within 100ms")
}

// TestUnauthorized_AboutTheTokensTime_PointsAtTheClock (issue #8): geth's 401 texts about the
// token's time, and other engines' about its iat, point at this host's clock, not the secret.
func TestUnauthorized_AboutTheTokensTime_PointsAtTheClock(t *testing.T) {
	const clock = "the token's iat is outside the server's ±60 s window: check this host's clock"
	for body, hint := range map[string]string{
		"token is expired\n":              clock, // geth node/jwt_handler.go
		"stale token\n":                   clock,
		"future token\n":                  clock,
		"invalid iat":                     clock,
		"iat claim too far in the future": clock,
		"missing issued-at\n":             fmJWTHintRPC,
		"missing token\n":                 fmJWTHintRPC,
		"token signature is invalid: signature is invalid\n": fmJWTHintRPC,
	} {
		t.Run(body, func(t *testing.T) {
			srv := serve(t, respond(401, "text/plain", body))
			_, _, err := callHead(t, srv.URL, Options{Timeout: time.Second, JWTSecret: testSecret})
			f := wantFailure(t, err, ClassUnauthorized, "unauthorized (HTTP 401 \""+strings.TrimSpace(body)+"\"): "+hint)
			if hint == clock && strings.Contains(f.Msg, "JWT secret") {
				t.Errorf("reason %q blames the secret", f.Msg)
			}
		})
	}
}

const fmJWTHintRPC = "check the JWT secret"

// TestProxyRefusing_NamesTheProxy (issue #8): a proxy (HTTP(S)_PROXY) that refuses the connection
// is named by its address, without its credentials; the endpoint is not blamed.
func TestProxyRefusing_NamesTheProxy(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	for _, target := range []string{"http://node.example.invalid:8545/", "https://node.example.invalid:8545/"} {
		t.Run(target, func(t *testing.T) {
			proxy, _ := url.Parse("http://proxyuser:Pr0xyPassw0rd@" + addr)
			client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
			req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader("{}"))
			_, err := client.Do(req)
			if err == nil {
				t.Fatal("no error")
			}
			f := classify(err, time.Second, nil, "")
			if f.Class != ClassRefused || f.Msg != "proxy "+addr+" refused the connection" {
				t.Errorf("%v: classified %s %q, want refused, naming the proxy", err, f.Class, f.Msg)
			}
			if strings.Contains(f.Msg, "Pr0xy") || strings.Contains(f.Msg, "proxyuser") {
				t.Errorf("reason %q shows the proxy's credentials", f.Msg)
			}
			var target *url.Error
			if !errors.As(err, &target) {
				t.Errorf("%T is not a *url.Error", err)
			}
		})
	}
}

// TestResetWhileWriting_IsAReset: a server that resets the connection while the request is still
// being written makes the write fail with EPIPE, the same reset as ECONNRESET on a read.
func TestResetWhileWriting_IsAReset(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ECONNRESET, syscall.EPIPE} {
		err := &url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", errno)}}
		if f := classify(err, time.Second, nil, ""); f.Class != ClassConnection || f.Msg != "connection closed by the server (reset)" {
			t.Errorf("%v: %s %q, want a reset", errno, f.Class, f.Msg)
		}
	}
}
