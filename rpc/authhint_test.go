package rpc

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUnauthorized_HintNamesTheCredentialsSent (issue #18): a 401's hint names what the request
// carried: a JWT, the URL's user info as basic auth, an Authorization header, or nothing; over
// HTTP and on a WebSocket handshake alike.
func TestUnauthorized_HintNamesTheCredentialsSent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		userinfo bool
		opts     Options
		hint     string
	}{
		{"nothing", false, Options{}, hintNoCredentials},
		{"user info", true, Options{}, hintBasicAuth},
		{"JWT", false, Options{JWTSecret: testSecret}, hintJWT},
		{"user info and JWT", true, Options{JWTSecret: testSecret}, hintJWT},
		{"Authorization header", false, Options{Headers: http.Header{"Authorization": {"Bearer abcdefgh"}}}, hintAuthorizationHeader},
		{"Authorization header and user info", true, Options{Headers: http.Header{"Authorization": {"Bearer abcdefgh"}}}, hintAuthorizationHeader},
		{"another header", false, Options{Headers: http.Header{"X-Api-Key": {"abcdefgh"}}}, hintNoCredentials},
	} {
		for _, scheme := range []string{"http", "ws"} {
			t.Run(tc.name+" "+scheme, func(t *testing.T) {
				srv := serve(t, respond(401, "text/plain", "missing token\n"))
				url := scheme + strings.TrimPrefix(srv.URL, "http")
				if tc.userinfo {
					url = strings.Replace(url, "://", "://alice:Pa55w0rdXYZ@", 1)
				}
				tc.opts.Timeout = time.Second
				_, _, err := callHead(t, url, tc.opts)
				f := wantFailure(t, err, ClassUnauthorized, "401")
				if !strings.HasSuffix(f.Msg, ": "+tc.hint) {
					t.Errorf("reason %q, want the hint %q", f.Msg, tc.hint)
				}
				if strings.Contains(f.Msg, "Pa55w0rdXYZ") {
					t.Errorf("reason %q shows the password", f.Msg)
				}
			})
		}
	}
}
