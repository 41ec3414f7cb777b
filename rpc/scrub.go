package rpc

import (
	"cmp"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// minSecret is the shortest text treated as a secret when scrubbing: shorter ones (a user name
// "a", a query value "1") would mangle reasons without protecting anything.
const minSecret = 4

// jwtLike matches a signed token a server might echo back, or the start of one cut short. It is
// compiled on first use, not at every start-up.
var jwtLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}`) })

// secretsOf lists what of an endpoint's URL and headers must never be printed, longest first: user
// info (as typed, decoded, and as the base64 Basic credential net/http and go-ethereum's WebSocket
// dialer build from it), query values, the path segments and matrix parameters Redact hides, and header values.
func secretsOf(raw string, headers http.Header) []string {
	var out []string
	add := func(s string) {
		if len(s) >= minSecret {
			out = append(out, s)
		}
	}
	basic := func(cred string) {
		b64 := base64.StdEncoding.EncodeToString([]byte(cred))
		add("Basic " + b64)
		add(b64)
		add(strings.TrimRight(b64, "=")) // echoed without its padding
	}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			name := u.User.Username()
			p, _ := u.User.Password()
			add(name)
			add(p)
			add(u.User.String()) // percent-encoded, as typed
			if encName, encPass, ok := strings.Cut(u.User.String(), ":"); ok {
				add(encName)
				add(encPass)
			}
			basic(name + ":" + p)  // net/http's Authorization for HTTP
			basic(u.User.String()) // go-ethereum's for a WebSocket handshake
		}
		add(u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				add(v)
			}
		}
		for _, key := range pathSecrets(u.Path) {
			add(key)
		}
		for _, key := range pathSecrets(u.EscapedPath()) {
			add(key)
		}
	}
	for _, vs := range headers {
		for _, v := range vs {
			add(v)
			if _, cred, ok := strings.Cut(v, " "); ok { // "Bearer <token>"
				add(strings.TrimSpace(cred))
			}
		}
	}
	// Longest first: a short secret inside a longer one must not leave the rest of it behind.
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(out)
}

// scrubText replaces every secret, and anything that looks like a JWT (the Bearer token sent is
// fresh for every request), in text.
func scrubText(text string, secrets []string) string {
	text = jwtLike().ReplaceAllString(text, redactMark)
	for _, s := range secrets {
		text = strings.ReplaceAll(text, s, redactMark)
	}
	return text
}

// echo is server text fit to repeat: scrubbed of secrets, on one line, clipped to n bytes. It is
// scrubbed before it is clipped, so that no part of a secret survives at the cut.
func echo(text string, n int, secrets []string) string {
	return clip(scrubText(OneLine(scrubText(text, secrets)), secrets), n)
}

// scrub replaces every secret, and anything that looks like a JWT, in a failure's text. Server
// text is already scrubbed before it is clipped (see explainer); this catches the rest.
func (c *Client) scrub(err error) error {
	var f *Failure
	if !errors.As(err, &f) {
		return err
	}
	msg := scrubText(f.Msg, c.secrets)
	if msg == f.Msg {
		return f
	}
	return &Failure{Class: f.Class, Msg: msg}
}
