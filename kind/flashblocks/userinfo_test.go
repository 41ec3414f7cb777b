package flashblocks

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestPart_UserInfoIsBasicAuth: ws://user:password@host is sent as Basic credentials, as the
// other endpoints' WebSocket client (go-ethereum's) does, not refused as a malformed URL.
func TestPart_UserInfoIsBasicAuth(t *testing.T) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("probe:s3cret%21pw"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != want {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		publishing(11)(c)
	}))
	defer srv.Close()
	p := newPart("ws://probe:s3cret%21pw@"+strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
	defer p.Close()
	if f, _ := observeAt(t, p, 10, 10*time.Second); !f.OK() {
		t.Fatalf("finding %q %q", f.Cause, f.Reason)
	}
}
