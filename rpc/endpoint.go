package rpc

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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
		if hostPort().MatchString(raw) {
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
	case !isHostName(host):
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

// hostPort is compiled on first use (a URL without a scheme), not at every start-up.
var hostPort = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w.\-\[\]:]+:\d+(/.*)?$`) })

// isHostName is whether host is letters, digits, '-', '.' and '_' only, and not empty.
func isHostName(host string) bool {
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return host != ""
}

var redactMark = "REDACTED"

// Redact returns the address fit for printing: user info and query replaced, and every path
// segment that is not one of PlainPathWords, and every matrix parameter (";key=value"), replaced
// too, whether or not the address parses as a URL.
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
		p := redactPath(u.EscapedPath()) // plain words, ";", "/" and the mark: the same escaped or not
		u.Path, u.RawPath = p, p
	}
	return u.String()
}

// PlainPathWords are the path segments an address is shown with, as typed (exact, lower case):
// API paths and the names of the OP stack's parts. Any other segment may be a key
// ("/rpc/mysecrettoken", "/v2/AbCdEf1234") and shows as REDACTED; so do matrix parameters
// ("/rpc;apikey=…" shows as "/rpc;REDACTED"). The README lists them.
var PlainPathWords = []string{
	"api", "rpc", "jsonrpc", "http", "ws", "wss", "v1", "v2", "v3",
	"eth", "engine", "healthz", "readyz", "livez", "metrics", "debug",
	"l1", "l2", "node", "geth", "reth", "builder", "sequencer", "conductor", "flashblocks",
}

// redactPath is p, an escaped path (or what follows the host in an address that does not parse),
// with every segment that is not a plain word, and every matrix parameter, replaced.
func redactPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		word, _, matrix := strings.Cut(seg, ";")
		switch {
		case seg == "":
		case !slices.Contains(PlainPathWords, word):
			segs[i] = redactMark
		case matrix:
			segs[i] = word + ";" + redactMark
		}
	}
	return strings.Join(segs, "/")
}

// pathSecrets are what of path p (escaped or not) Redact hides: the segments that are not plain
// words, and the matrix parameters, whole and by value.
func pathSecrets(p string) []string {
	var out []string
	for seg := range strings.SplitSeq(p, "/") {
		word, params, matrix := strings.Cut(seg, ";")
		if !slices.Contains(PlainPathWords, word) {
			out = append(out, seg)
		}
		if !matrix {
			continue
		}
		out = append(out, params)
		for param := range strings.SplitSeq(params, ";") {
			_, value, _ := strings.Cut(param, "=")
			out = append(out, param, value)
		}
	}
	return out
}
