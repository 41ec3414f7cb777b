package rpc

import (
	"cmp"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/check"
	safetext "github.com/headprobe/headprobe/internal/printable"
)

// Class is the kind of a failed request, stable for JSON output and tests.
type Class string

// The failure classes, each turned into a short operator reason.
const (
	ClassRefused      Class = "refused"
	ClassTimeout      Class = "timeout"
	ClassDNS          Class = "dns"
	ClassUnauthorized Class = "unauthorized"
	ClassHTTP         Class = "http"
	ClassRedirect     Class = "redirect"
	ClassTooLarge     Class = "too_large"
	ClassRPCError     Class = "rpc_error"
	ClassMalformed    Class = "malformed"
	ClassNoBlock      Class = "no_block"
	ClassTLS          Class = "tls"
	ClassConnection   Class = "connection"
	ClassCanceled     Class = "canceled"
)

// maxEcho bounds how much server-supplied text a reason repeats.
const maxEcho = 160

// Failure is a failed request, explained in one short line that carries no URL and no secret.
type Failure struct {
	Class Class
	Msg   string
}

// Error returns the operator reason.
func (f *Failure) Error() string { return f.Msg }

// A Failure names its class to the renderers through check.Classed.
var _ check.Classed = (*Failure)(nil)

// FailureClass is the failure's class, as check.Classed asks.
func (f *Failure) FailureClass() string { return string(f.Class) }

// classify turns any error from the go-ethereum client into a *Failure; secrets are scrubbed from
// the server text it repeats before that is clipped. auth is what a 401 says to check (authHint;
// "" for the JWT secret).
func classify(err error, timeout time.Duration, secrets []string, auth string) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	var httpErr gethrpc.HTTPError
	var rpcErr gethrpc.Error
	var dnsErr *net.DNSError
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var opErr *net.OpError
	var flateErr flate.CorruptInputError
	var closeErr *websocket.CloseError
	var urlErr *url.Error
	switch {
	case errors.As(err, &httpErr):
		return fromHTTPStatus(httpErr, secrets, auth)
	case errors.As(err, &rpcErr):
		msg := fmt.Sprintf("JSON-RPC error %d", rpcErr.ErrorCode())
		// go-ethereum's text for an error without a message is the same words again.
		if text := echo(rpcErr.Error(), maxEcho, secrets); text != "" && !strings.EqualFold(text, msg) {
			msg += ": " + text
		}
		return &Failure{Class: ClassRPCError, Msg: msg}
	case errors.Is(err, errTooLarge), errors.Is(err, websocket.ErrReadLimit):
		return &Failure{Class: ClassTooLarge, Msg: fmt.Sprintf("response larger than %d bytes: refused", MaxResponseBytes)}
	case errors.Is(err, context.DeadlineExceeded):
		return &Failure{Class: ClassTimeout, Msg: fmt.Sprintf("timeout: no answer within %s", timeout)}
	case errors.Is(err, context.Canceled):
		return &Failure{Class: ClassCanceled, Msg: "canceled"}
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		return fromProxy(opErr, timeout, secrets, auth)
	case errors.As(err, &dnsErr):
		return &Failure{Class: ClassDNS, Msg: fmt.Sprintf("cannot resolve host %q", dnsErr.Name)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Failure{Class: ClassRefused, Msg: "connection refused"}
	case errors.Is(err, syscall.ENOENT):
		return &Failure{Class: ClassRefused, Msg: "no IPC socket at that path"}
	case errors.As(err, &unknownCA), errors.As(err, &certErr) && errors.As(certErr.Err, &unknownCA):
		return &Failure{Class: ClassTLS, Msg: "TLS: certificate signed by an unknown authority (use --tls-ca)"}
	case errors.As(err, &hostErr):
		return &Failure{Class: ClassTLS, Msg: hostnameMismatch(hostErr)}
	case errors.As(err, &certErr):
		return &Failure{Class: ClassTLS, Msg: "TLS: " + OneLine(certErr.Err.Error())}
	case errors.As(err, &recordErr):
		return &Failure{Class: ClassTLS, Msg: "TLS: the server does not speak TLS"}
	case errors.As(err, &alertErr):
		return &Failure{Class: ClassTLS, Msg: "TLS: handshake refused by the server: " + alertErr.Error()}
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		// An alert from the server over TCP (tls.AlertError is only used with QUIC).
		return &Failure{Class: ClassTLS, Msg: "TLS: handshake refused by the server: " + OneLine(opErr.Err.Error())}
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &flateErr):
		return malformed("gzip-encoded body is corrupt")
	case errors.As(err, &netErr) && netErr.Timeout():
		return &Failure{Class: ClassTimeout, Msg: fmt.Sprintf("timeout: no answer within %s", timeout)}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		// EPIPE: the request was still being written when the server's reset arrived.
		return &Failure{Class: ClassConnection, Msg: errDropped.Msg + " (reset)"}
	case errors.As(err, &closeErr):
		return wsClosed(closeErr, secrets)
	case errors.As(err, &urlErr) && errors.Is(err, io.EOF):
		// The transport's EOF: no HTTP answer at all (an empty body's EOF comes unwrapped).
		return &Failure{Class: ClassConnection, Msg: errDropped.Msg + " before it answered"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Failure{Class: ClassMalformed, Msg: "malformed response: empty or truncated body"}
	case errors.Is(err, gethrpc.ErrNoResult):
		return &Failure{Class: ClassMalformed, Msg: "malformed response: no result and no error"}
	case errors.Is(err, gethrpc.ErrMissingBatchResponse):
		return malformed("the batch answer lacks an answer (ids missing or repeated)")
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) {
		return malformed("%s", echo(jsonErrorText(err), maxEcho, secrets))
	}
	text := scrubText(OneLine(scrubText(stripURL(err).Error(), secrets)), secrets)
	if strings.Contains(text, "server gave HTTP response to HTTPS client") {
		// net/http replaces the tls.RecordHeaderError with this text when the answer looks like HTTP.
		return &Failure{Class: ClassTLS, Msg: "TLS: the server does not speak TLS (it answered plain HTTP)"}
	}
	if strings.Contains(text, "bad handshake (HTTP status 401") {
		return &Failure{Class: ClassUnauthorized, Msg: "unauthorized (HTTP 401 on the WebSocket handshake): " + cmp.Or(auth, hintJWT)}
	}
	return &Failure{Class: ClassConnection, Msg: clip(text, maxEcho)}
}

// fromHTTPStatus explains a non-2xx answer; auth is what a 401 says to check (see classify).
func fromHTTPStatus(e gethrpc.HTTPError, secrets []string, auth string) *Failure {
	body := echo(strings.TrimSpace(string(e.Body)), maxEcho, secrets)
	switch {
	case e.StatusCode == 401:
		hint := cmp.Or(auth, hintJWT)
		if clockSkew().MatchString(body) && !strings.Contains(strings.ToLower(body), "missing") {
			hint = "the token's iat is outside the server's ±60 s window: check this host's clock"
		}
		msg := "unauthorized (HTTP 401): " + hint
		if body != "" {
			msg = fmt.Sprintf("unauthorized (HTTP 401 %q): %s", body, hint)
		}
		return &Failure{Class: ClassUnauthorized, Msg: msg}
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return &Failure{Class: ClassRedirect, Msg: fmt.Sprintf("HTTP %d redirect not followed: a JSON-RPC endpoint does not redirect", e.StatusCode)}
	}
	msg := "HTTP " + strings.TrimSpace(e.Status)
	if e.Status == "" || strings.TrimSpace(e.Status) == fmt.Sprint(e.StatusCode) {
		msg = fmt.Sprintf("HTTP %d", e.StatusCode)
	}
	if looksLikeHTML(body) {
		body = "(HTML page)"
	}
	if body != "" {
		msg += ": " + body
	}
	return &Failure{Class: ClassHTTP, Msg: msg}
}

// clockSkew matches a 401's text about the token's time rather than its signature: geth's
// node/jwt_handler.go answers "token is expired", "stale token" or "future token"; other engines
// name the iat (issued-at) claim. It is compiled on the first 401, not at every start-up.
var clockSkew = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\biat\b|issued[- ]at|expired|stale token|future token|clock`)
})

// fromProxy explains a failure to reach the proxy HTTP(S)_PROXY names; the proxy is named by its
// address only, never with its credentials.
func fromProxy(e *net.OpError, timeout time.Duration, secrets []string, auth string) *Failure {
	proxy := "the proxy"
	var dial *net.OpError
	if errors.As(e.Err, &dial) && dial.Addr != nil {
		proxy = "proxy " + dial.Addr.String()
	}
	if errors.Is(e.Err, syscall.ECONNREFUSED) {
		return &Failure{Class: ClassRefused, Msg: proxy + " refused the connection"}
	}
	f := classify(e.Err, timeout, secrets, auth)
	return &Failure{Class: f.Class, Msg: proxy + ": " + f.Msg}
}

// stripURL drops the *url.Error wrapper, whose text repeats the URL (and so its credentials).
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func looksLikeHTML(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "<!doctype") || strings.HasPrefix(l, "<html") || strings.HasPrefix(l, "<")
}

// OneLine folds text onto one line and makes it printable (printable.OneLine).
func OneLine(s string) string { return safetext.OneLine(s) }

// printable makes server-supplied text safe to show (printable.Printable).
func printable(s string) string { return safetext.Printable(s) }

// errDropped is a request cut short because the server closed the connection.
var errDropped = &Failure{Class: ClassConnection, Msg: "connection closed by the server"}

// wsClosed explains a closed WebSocket; 1006 is a connection dropped without a close frame.
func wsClosed(e *websocket.CloseError, secrets []string) *Failure {
	if e.Code == websocket.CloseAbnormalClosure {
		return errDropped
	}
	msg := fmt.Sprintf("%s (WebSocket close %d", errDropped.Msg, e.Code)
	if text := echo(e.Text, 60, secrets); text != "" {
		msg += fmt.Sprintf(" %q", text)
	}
	return &Failure{Class: ClassConnection, Msg: msg + ")"}
}

// hostnameMismatch names the host asked for and the names the certificate holds; Go's own text
// for an IP address says only that the certificate has no IP SANs.
func hostnameMismatch(e x509.HostnameError) string {
	var names []string
	if c := e.Certificate; c != nil {
		names = append(names, c.DNSNames...)
		for _, ip := range c.IPAddresses {
			names = append(names, ip.String())
		}
		if len(names) == 0 && c.Subject.CommonName != "" {
			names = append(names, c.Subject.CommonName)
		}
	}
	valid := "no host name"
	if len(names) > 0 {
		valid = clip(OneLine(strings.Join(names, ", ")), 80)
	}
	return fmt.Sprintf("TLS: the certificate is valid for %s, not %s (use that name, or --tls-server-name)", valid, e.Host)
}

// ipcDialError explains a refused IPC dial by what is at the path: a file that is not a socket
// refuses connections like the stale socket of a stopped node. The reason does not repeat the path.
func ipcDialError(path string, err error) error {
	if !strings.HasPrefix(path, "/") || !errors.Is(err, syscall.ECONNREFUSED) {
		return err
	}
	info, statErr := os.Stat(path)
	if statErr != nil || info.Mode().Type() == fs.ModeSocket {
		return err
	}
	kind := "a regular file"
	if info.IsDir() {
		kind = "a directory"
	} else if !info.Mode().IsRegular() {
		kind = "a special file"
	}
	return &Failure{Class: ClassRefused, Msg: "the IPC path is " + kind + ", not a socket"}
}
