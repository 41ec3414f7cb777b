package opnode

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/rpc"
)

// serve starts an httptest server on 127.0.0.1 with handler h.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// wsURL is the websocket URL of an httptest server's http URL.
func wsURL(httpURL string) string { return "ws" + strings.TrimPrefix(httpURL, "http") }

// wantFailure fails unless err is a *rpc.Failure of class want whose reason contains every
// substring, on one line.
func wantFailure(t *testing.T, err error, want rpc.Class, substrings ...string) *rpc.Failure {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a %s failure", want)
	}
	var f *rpc.Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %T %q is not a *rpc.Failure", err, err)
	}
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
