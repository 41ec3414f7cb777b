package rpc

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// minSecret is the shortest text treated as a secret when scrubbing: shorter ones (a user name
// "a", a query value "1") would mangle reasons without protecting anything.
const minSecret = 4

// jwtLike matches a signed token a server might echo back.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// secretsOf lists what of an endpoint's URL and headers must never be printed: user info, query
// values, API-key-like path segments and header values.
func secretsOf(raw string, headers http.Header) []string {
	var out []string
	add := func(s string) {
		if len(s) >= minSecret {
			out = append(out, s)
		}
	}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			add(u.User.Username())
			p, _ := u.User.Password()
			add(p)
		}
		add(u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				add(v)
			}
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if tokenish.MatchString(seg) {
				add(seg)
			}
		}
	}
	for _, vs := range headers {
		for _, v := range vs {
			add(v)
			if _, cred, ok := strings.Cut(v, " "); ok { // "Bearer <token>"
				add(cred)
			}
		}
	}
	return out
}

// scrub replaces every secret, and anything that looks like a JWT, in a failure's text.
func (c *Client) scrub(err error) error {
	var f *Failure
	if !errors.As(err, &f) {
		return err
	}
	msg := jwtLike.ReplaceAllString(f.Msg, redactMark)
	for _, s := range c.secrets {
		msg = strings.ReplaceAll(msg, s, redactMark)
	}
	if msg == f.Msg {
		return f
	}
	return &Failure{Class: f.Class, Msg: msg}
}
