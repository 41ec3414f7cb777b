package rpc

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// ValidateURL checks an endpoint address before any I/O: http, https, ws, wss with a host, or an
// absolute path to an IPC socket. Its errors show the address redacted.
func ValidateURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("is empty")
	}
	if strings.HasPrefix(raw, "//") {
		return fmt.Errorf("%q starts with // (a URL without a scheme?): want http://, https://, ws://, wss:// or an absolute IPC socket path", Redact(raw))
	}
	if strings.HasPrefix(raw, "/") {
		return nil
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return fmt.Errorf("%q contains white space", Redact(raw))
	}
	if !strings.Contains(raw, "://") {
		if hostPort.MatchString(raw) {
			return fmt.Errorf("%q has no scheme: did you mean http://%s ?", Redact(raw), Redact(raw))
		}
		return fmt.Errorf("%q is neither a URL (http, https, ws, wss) nor an absolute IPC socket path", Redact(raw))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL", Redact(raw))
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("%q has unsupported scheme %q (want http, https, ws, wss, or an absolute IPC socket path)", Redact(raw), u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", Redact(raw))
	}
	return nil
}

var (
	hostPort   = regexp.MustCompile(`^[\w.\-\[\]:]+:\d+(/.*)?$`)
	tokenish   = regexp.MustCompile(`^[A-Za-z0-9_\-]{20,}$`)
	redactMark = "REDACTED"
)

// Redact returns the address fit for printing: user info and query replaced, and any path
// segment that looks like an API key (20+ letters, digits, - or _) replaced too.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") {
			return raw // an IPC socket path
		}
		// Not a URL we understand: keep only what cannot be a credential.
		at, q := strings.LastIndex(raw, "@"), strings.IndexAny(raw, "?#")
		query := ""
		if q >= 0 {
			raw, query = raw[:q], raw[q:q+1]+redactMark
		}
		if at >= 0 {
			if q >= 0 && at > q {
				// An @ after the ? or #: in the query, or the password holds a ?. Show neither.
				return redactMark + query
			}
			raw = redactMark + raw[at:]
		}
		return redactPath(raw) + query
	}
	if u.User != nil {
		u.User = url.User(redactMark)
	}
	if u.RawQuery != "" {
		u.RawQuery = redactMark
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path != "" {
		u.Path, u.RawPath = redactPath(u.Path), ""
	}
	return u.String()
}

// redactPath replaces the /-separated segments of p that look like an API key.
func redactPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if tokenish.MatchString(s) {
			parts[i] = redactMark
		}
	}
	return strings.Join(parts, "/")
}
