package rpc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// echoHeaders writes every request header, as "Name: value" lines after pad.
func echoHeaders(pad string, r *http.Request) string {
	var b strings.Builder
	b.WriteString(pad)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range r.Header[name] {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	return b.String()
}

// TestServerEchoingRequestHeaders_ShowsNoCredential (issue #8): a server whose error text repeats
// the request's headers shows neither the URL's password, nor the Basic credential built from it,
// nor the Bearer token, nor a header's value, whole or in part where the echo is cut short.
func TestServerEchoingRequestHeaders_ShowsNoCredential(t *testing.T) {
	const (
		user, password = "alice", "Pa55w0rdXYZ"
		headerValue    = "H3aderSecretValue"
	)
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	respond := map[string]func(w http.ResponseWriter, text string){
		"HTTP 500": func(w http.ResponseWriter, text string) { http.Error(w, text, http.StatusInternalServerError) },
		"HTTP 401": func(w http.ResponseWriter, text string) { http.Error(w, text, http.StatusUnauthorized) },
		"JSON-RPC error": func(w http.ResponseWriter, text string) {
			msg, _ := json.Marshal(text)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":%s}}`, msg)
		},
	}
	// Pads put the Basic credential, the token or the header value across the 160-byte cut.
	pads := []string{"", strings.Repeat("w", 120) + " ", strings.Repeat("x", 130) + " ", strings.Repeat("y", 150) + " ", strings.Repeat("z", 140) + " "}
	for name, write := range respond {
		for _, pad := range pads {
			for _, jwt := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s pad %d jwt %v", name, len(pad), jwt), func(t *testing.T) {
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						write(w, echoHeaders(pad, r))
					}))
					defer srv.Close()
					u, _ := url.Parse(srv.URL)
					u.User = url.UserPassword(user, password)
					opts := Options{Timeout: time.Second, Headers: http.Header{"X-Api-Key": {headerValue}}}
					if jwt {
						opts.JWTSecret = testSecret
					}
					_, _, err := callHead(t, u.String(), opts)
					if err == nil {
						t.Fatal("no error")
					}
					text := err.Error()
					t.Log(text)
					for _, s := range []string{password, headerValue, "eyJ", "Bearer ey"} {
						if strings.Contains(text, s) {
							t.Errorf("reason %q shows %q", text, s)
						}
					}
					// No 6 bytes of the Basic credential past the user name's, nor of the header value.
					for _, secret := range []string{basic[6:], headerValue} {
						for i := 0; i+6 <= len(secret); i++ {
							if strings.Contains(text, secret[i:i+6]) {
								t.Errorf("reason %q shows %q of a credential", text, secret[i:i+6])
							}
						}
					}
				})
			}
		}
	}
}

// TestSecretsOf_CoverEveryFormOfTheUserInfo: the Basic credential net/http builds (decoded user
// info) and the one go-ethereum's WebSocket dialer builds (user info as typed) are both secrets.
func TestSecretsOf_CoverEveryFormOfTheUserInfo(t *testing.T) {
	secrets := secretsOf("wss://al%69ce:p%40ss-word@node.example.org/", nil)
	for _, want := range []string{
		"p@ss-word", "p%40ss-word", "alice",
		"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:p@ss-word")),
		base64.StdEncoding.EncodeToString([]byte("alice:p%40ss-word")),
	} {
		if !slices.Contains(secrets, want) {
			t.Errorf("secrets %q lack %q", secrets, want)
		}
	}
	for i := 1; i < len(secrets); i++ {
		if len(secrets[i]) > len(secrets[i-1]) {
			t.Errorf("secrets not longest first: %q", secrets)
		}
	}
}

// TestServerEchoingThePath_ShowsNoPathSecret (issue #18): a server whose error text repeats the
// request's path shows no matrix parameter and no path segment that the URL is shown without.
func TestServerEchoingThePath_ShowsNoPathSecret(t *testing.T) {
	for _, tc := range []struct {
		path    string
		secrets []string
	}{
		{"/x;apikey=topsecret", []string{"topsecret", "apikey=topsecret"}},
		{"/rpc;apikey=topsecret", []string{"topsecret"}},
		{"/rpc/mysecrettoken", []string{"mysecrettoken"}},
		{"/v2/AbCdEf1234", []string{"AbCdEf1234"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "no route for "+r.URL.EscapedPath(), http.StatusNotFound)
			}))
			defer srv.Close()
			_, _, err := callHead(t, srv.URL+tc.path, Options{Timeout: time.Second})
			if err == nil {
				t.Fatal("no error")
			}
			shown := Redact(srv.URL+tc.path) + " " + err.Error()
			for _, s := range tc.secrets {
				if strings.Contains(shown, s) {
					t.Errorf("%q shows %q", shown, s)
				}
			}
			if !strings.Contains(err.Error(), "no route for /") {
				t.Errorf("error %q lost the server's text", err)
			}
		})
	}
}
