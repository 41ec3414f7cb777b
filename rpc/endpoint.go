package rpc

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
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
		if unbracketedIPv6(raw) {
			return fmt.Errorf("%q is not a valid URL: an IPv6 address needs brackets, as in http://[::1]:8545", Redact(raw))
		}
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
	return validHostPort(raw, u)
}

// validHostPort refuses locally what the dialer would refuse without any I/O: a port outside
// 1–65535, an empty host name, a host name with characters no host name has.
func validHostPort(raw string, u *url.URL) error {
	if p := u.Port(); p != "" {
		if n, err := strconv.ParseUint(p, 10, 32); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q has port %s, want 1 to 65535", Redact(raw), clip(p, 12))
		}
	}
	host := u.Hostname()
	switch {
	case host == "":
		return fmt.Errorf("%q has no host name before the port", Redact(raw))
	case strings.HasPrefix(u.Host, "["):
		ip, _, _ := strings.Cut(host, "%") // a zone, as in [fe80::1%eth0]
		if _, err := netip.ParseAddr(ip); err != nil || !strings.Contains(ip, ":") {
			return fmt.Errorf("%q has an invalid IPv6 address in brackets", Redact(raw))
		}
	case !hostName.MatchString(host):
		return fmt.Errorf("%q has an invalid host name (letters, digits, '-', '.' and '_' only)", Redact(raw))
	}
	return nil
}

// unbracketedIPv6 reports whether the authority of raw holds an IPv6 address without brackets.
func unbracketedIPv6(raw string) bool {
	_, rest, _ := strings.Cut(raw, "://")
	authority, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = authority[i+1:]
	}
	return !strings.Contains(authority, "[") && strings.Count(authority, ":") >= 2
}

var (
	hostPort   = regexp.MustCompile(`^[\w.\-\[\]:]+:\d+(/.*)?$`)
	hostName   = regexp.MustCompile(`^[A-Za-z0-9_\-.]+$`)
	tokenish   = regexp.MustCompile(`[A-Za-z0-9_\-]{20,}`) // an API key: a run of 20+ of these in a path segment
	redactMark = "REDACTED"
)

// Redact returns the address fit for printing: user info and query replaced, and anything in the
// path that looks like an API key (20+ letters, digits, - or _) replaced too, whether or not the
// address parses as a URL.
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
		// The path starts at the first / after the scheme's //: the host is not a key.
		start := 0
		if i := strings.Index(raw, "://"); i >= 0 {
			start = i + len("://")
		}
		if i := strings.IndexByte(raw[start:], '/'); i >= 0 {
			start += i
			return raw[:start] + redactPath(raw[start:]) + query
		}
		return raw + query
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

// redactPath replaces what looks like an API key in p: a run of 20+ letters, digits, - or _,
// with or without junk around it in its segment (a stray %, say, in a URL that does not parse).
func redactPath(p string) string {
	return tokenish.ReplaceAllString(p, redactMark)
}
