package e2e

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/rpc"
)

// The fault matrix (issue #3): every way an endpoint can be broken, run against the compiled
// binary with the fault on the L2 (alone) and on the builder (beside a healthy, real L2). The
// README's "Failure modes" table is rendered from this table (failuremodes_test.go).

// faultServe starts a fresh faulty endpoint for one run.
type faultServe func(t *testing.T, fx *faultFixture) faultEndpoint

// faultEndpoint is one started endpoint.
type faultEndpoint struct {
	url string
	// flags are more flags for the run; "SIDE" in them stands for l2 or builder.
	flags []string
	// hits counts what reached the endpoint, when it is a server.
	hits *faultHits
	// untouched: the run must not connect at all (configuration errors come before any I/O).
	untouched bool
	// after checks the endpoint once the run is over.
	after func(t *testing.T)
}

// faultCase is one row of the matrix.
type faultCase struct {
	// situation is what the operator is facing: the subtest's and the README row's name.
	situation string
	serve     faultServe
	// args are more flags for every run of the case.
	args []string
	// l2 and builder are the exit codes with the fault on the L2 and on the builder.
	l2, builder int
	// reason is in the first line and in the JSON reasons; "SIDE" stands for l2 or builder.
	reason string
	// also are more parts of the first line.
	also []string
	// class is the endpoint's JSON error_class ("" = none).
	class string
	// alongside, when set, makes one run with serve on the L2 and alongside on the builder.
	alongside faultServe
	// signal, when set, is sent once the endpoint got its first request.
	signal os.Signal
	// check makes more assertions on a run.
	check func(t *testing.T, side string, o faultOutcome)
	// skip says why the case cannot run here, or "".
	skip func() string
	// rss measures the probe's own peak RSS (through the spawner, see fmSpawnerSource).
	rss bool
	// note is what else the operator sees, for the README (check asserts it).
	note string
}

// The hints of a 401, by the credentials sent (rpc/authhint.go).
const (
	fmJWTHint           = "check the JWT secret"
	fmNoCredentialsHint = "no credentials were sent: an Engine-API port wants a JWT secret"
	fmBasicAuthHint     = "the URL's credentials were sent as basic auth and refused"
)

// faultMatrix is the table of faults, in the README's order.
func faultMatrix() []faultCase {
	hang := []string{"--timeout", "500ms"}
	return []faultCase{
		// The network.
		{situation: "port closed (connection refused)", serve: fmRefused, l2: 2, builder: 1,
			reason: "connection refused", class: "refused", check: fmFastFail, note: "in milliseconds, whatever the timeout"},
		{situation: "host name does not resolve", serve: fmURL("http://headprobe-test.invalid:8545"), l2: 2, builder: 1,
			reason: `cannot resolve host "headprobe-test.invalid"`, class: "dns"},
		{situation: "TCP accepted, nothing ever sent", serve: fmSilent, args: hang, l2: 2, builder: 1,
			reason: "timeout: no answer within 500ms", class: "timeout", note: "at `--timeout`"},
		{situation: "headers sent, body trickled byte by byte forever", serve: fmHandler(fmTrickle), args: hang, l2: 2, builder: 1,
			reason: "timeout: no answer within 500ms", class: "timeout", note: "at `--timeout`"},
		{situation: "TCP accepted, request read, connection closed", serve: fmClosing(false), l2: 2, builder: 1,
			reason: "connection closed by the server before it answered", class: "connection"},
		{situation: "TCP accepted, connection reset", serve: fmClosing(true), l2: 2, builder: 1,
			reason: "connection closed by the server (reset)", class: "connection"},

		// HTTP errors.
		{situation: "Engine-API port without a JWT (401 missing token)", serve: fmStatus(401, "text/plain", "missing token\n"), l2: 2, builder: 1,
			reason: `unauthorized (HTTP 401 "missing token")`, also: []string{fmNoCredentialsHint}, class: "unauthorized"},
		{situation: "wrong JWT secret (401 signature is invalid)", serve: fmWithJWT(fmStatus(401, "text/plain", "token signature is invalid: signature is invalid\n")), l2: 2, builder: 1,
			reason: "signature is invalid", also: []string{fmJWTHint}, class: "unauthorized"},
		{situation: "user info in the URL refused, no JWT (401)", serve: fmWithUserinfo(fmStatus(401, "text/plain", "Unauthorized\n")), l2: 2, builder: 1,
			reason: `unauthorized (HTTP 401 "Unauthorized")`, also: []string{fmBasicAuthHint}, class: "unauthorized"},
		{situation: "HTTP 403 from a gateway", serve: fmStatus(403, "text/plain", "Forbidden: IP not allowed\n"), l2: 2, builder: 1,
			reason: "HTTP 403 Forbidden: Forbidden: IP not allowed", class: "http"},
		{situation: "HTTP 404: wrong path", serve: fmStatus(404, "text/plain", "404 page not found\n"), l2: 2, builder: 1,
			reason: "HTTP 404 Not Found: 404 page not found", class: "http"},
		{situation: "HTTP 500 with an HTML error page", serve: fmStatus(500, "text/html", "<!DOCTYPE html><html><body><h1>Internal Server Error</h1><p>Something broke</p></body></html>"), l2: 2, builder: 1,
			reason: "HTTP 500 Internal Server Error: (HTML page)", class: "http"},
		{situation: "HTTP 502 from a proxy (upstream down)", serve: fmStatus(502, "text/html", "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"), l2: 2, builder: 1,
			reason: "HTTP 502 Bad Gateway: (HTML page)", class: "http"},
		{situation: "HTTP 503 from a proxy (no healthy upstream)", serve: fmStatus(503, "text/plain", "no healthy upstream"), l2: 2, builder: 1,
			reason: "HTTP 503 Service Unavailable: no healthy upstream", class: "http"},
		{situation: "HTTP 302 redirect to another server", serve: fmRedirect, l2: 2, builder: 1,
			reason: "HTTP 302 redirect not followed", class: "redirect", note: "the target is never asked"},
		{situation: "Engine-API token outside the server's iat window (401 stale token: clock skew)", serve: fmWithJWT(fmStatus(401, "text/plain", "stale token\n")), l2: 2, builder: 1,
			reason: `unauthorized (HTTP 401 "stale token")`, also: []string{"check this host's clock"}, class: "unauthorized"},
		{situation: "HTTP 500 echoing the request's headers, credentials included", serve: fmEchoingHeaders, l2: 2, builder: 1,
			reason: "HTTP 500 Internal Server Error: X-Api-Key: REDACTED Authorization: REDACTED Accept-Encoding: gzip", class: "http",
			check: fmEchoScrubbed, note: "the Basic credential of the URL's user info, the Bearer token and header values show as `REDACTED`"},

		// Bodies that are not JSON-RPC.
		{situation: "HTTP 200 with an HTML page", serve: fmStatus(200, "text/html", "<html><body>Welcome to nginx!</body></html>"), l2: 2, builder: 1,
			reason: "malformed response: invalid JSON", class: "malformed"},
		{situation: "HTTP 200 with an empty body", serve: fmStatus(200, "application/json", ""), l2: 2, builder: 1,
			reason: "malformed response: empty or truncated body", class: "malformed"},
		{situation: "HTTP 200 with truncated JSON", serve: fmStatus(200, "application/json", `{"jsonrpc":"2.0","id":1,"result":{"number":"0x10","ha`), l2: 2, builder: 1,
			reason: "malformed response: empty or truncated body", class: "malformed"},
		{situation: "gzip-encoded garbage", serve: fmHandler(fmGzipGarbage), l2: 2, builder: 1,
			reason: "malformed response: gzip-encoded body is corrupt", class: "malformed"},
		{situation: "100 MiB body, chunked", serve: fmHandler(fmHuge(false)), args: []string{"--timeout", "5s"}, l2: 2, builder: 1,
			reason: "response larger than 4194304 bytes: refused", class: "too_large", rss: true, check: fmSmallRSS, note: "peak RSS < 50 MB"},
		{situation: "100 MiB body, announced in Content-Length", serve: fmHandler(fmHuge(true)), args: []string{"--timeout", "5s"}, l2: 2, builder: 1,
			reason: "response larger than 4194304 bytes: refused", class: "too_large", rss: true, check: fmSmallRSS, note: "peak RSS < 50 MB"},

		// JSON-RPC answers that are not a head.
		{situation: "method not available (JSON-RPC error -32601)", serve: fmRPC(fmRPCError(-32601, "the method eth_getBlockByNumber does not exist/is not available")), l2: 2, builder: 1,
			reason: "JSON-RPC error -32601: the method eth_getBlockByNumber does not exist/is not available", class: "rpc_error"},
		{situation: "node error (JSON-RPC error -32000)", serve: fmRPC(fmRPCError(-32000, "header not found")), l2: 2, builder: 1,
			reason: "JSON-RPC error -32000: header not found", class: "rpc_error"},
		{situation: `"error" member a string, not an object`, serve: fmRPC(fmAlways(`"error":"internal failure"`)), l2: 2, builder: 1,
			reason: "JSON-RPC error", class: "rpc_error"},
		{situation: "JSON-RPC answer of the wrong shape (an array to a call, an object to a batch)", serve: fmWrongShape, l2: 2, builder: 1,
			reason: "malformed response: unexpected JSON", class: "malformed"},
		{situation: `"result": null (no latest block)`, serve: fmRPC(fmAlways(`"result":null`)), l2: 2, builder: 1,
			reason: "no latest block (result is null)", class: "no_block"},
		{situation: "result missing (neither result nor error)", serve: fmRPC(fmAlways("")), l2: 2, builder: 1,
			reason: "malformed response: no result and no error", class: "malformed"},
		{situation: "result is a string", serve: fmRPC(fmAlways(`"result":"0x10"`)), l2: 2, builder: 1,
			reason: "malformed response: result is a string, not a block", class: "malformed"},
		{situation: "result is an array", serve: fmRPC(fmAlways(`"result":[]`)), l2: 2, builder: 1,
			reason: "malformed response: result is an array, not a block", class: "malformed"},
		{situation: "batch answer with a repeated id (and so one missing)", serve: fmBatchRepeatedID, args: []string{"--chain-id", "901"}, l2: 2, builder: 1,
			reason: "malformed response: the batch answer has no answer to eth_getBlockByNumber (ids missing or repeated)", class: "malformed"},

		// Blocks with bad fields.
		{situation: "block number missing", serve: fmRPC(fmWithoutField("number")), l2: 2, builder: 1,
			reason: "malformed response: block has no number", class: "malformed"},
		{situation: "block number not hex", serve: fmRPC(fmWithField("number", "16")), l2: 2, builder: 1,
			reason: "malformed response: block number", also: []string{"without 0x prefix"}, class: "malformed"},
		{situation: "block number a JSON number", serve: fmRPC(fmWithField("number", 16)), l2: 2, builder: 1,
			reason: "malformed response: block number 16: not a hex string", class: "malformed"},
		{situation: "block number empty (0x)", serve: fmRPC(fmWithField("number", "0x")), l2: 2, builder: 1,
			reason: `malformed response: block number "0x"`, class: "malformed"},
		{situation: "block number an empty string", serve: fmRPC(fmWithField("number", "")), l2: 2, builder: 1,
			reason: "malformed response: block number is an empty string", class: "malformed"},
		{situation: "block number with leading zeros", serve: fmRPC(fmWithField("number", "0x0010")), l2: 2, builder: 1,
			reason: "malformed response: block number", also: []string{"leading zero"}, class: "malformed"},
		{situation: "block number larger than 2^64", serve: fmRPC(fmWithField("number", "0x10000000000000000")), l2: 2, builder: 1,
			reason: "malformed response: block number", also: []string{"> 64 bits"}, class: "malformed"},
		{situation: "timestamp missing", serve: fmRPC(fmWithoutField("timestamp")), l2: 2, builder: 1,
			reason: "malformed response: block has no timestamp", class: "malformed"},
		{situation: "timestamp not hex", serve: fmRPC(fmWithField("timestamp", "1700000000")), l2: 2, builder: 1,
			reason: "malformed response: block timestamp", also: []string{"without 0x prefix"}, class: "malformed"},
		{situation: "timestamp empty (0x)", serve: fmRPC(fmWithField("timestamp", "0x")), l2: 2, builder: 1,
			reason: `malformed response: block timestamp "0x"`, class: "malformed"},
		{situation: "timestamp with leading zeros", serve: fmRPC(fmWithField("timestamp", "0x0065a0b1c2")), l2: 2, builder: 1,
			reason: "malformed response: block timestamp", also: []string{"leading zero"}, class: "malformed"},
		{situation: "timestamp larger than 2^64", serve: fmRPC(fmWithField("timestamp", "0x1000000000000000000")), l2: 2, builder: 1,
			reason: "malformed response: block timestamp", also: []string{"> 64 bits"}, class: "malformed"},
		{situation: "hash missing", serve: fmRPC(fmWithoutField("hash")), l2: 2, builder: 1,
			reason: "malformed response: block has no hash", class: "malformed"},
		{situation: "hash of the wrong length", serve: fmRPC(fmWithField("hash", "0xb10c")), l2: 2, builder: 1,
			reason: "malformed response: block hash", also: []string{"want 64"}, class: "malformed"},
		{situation: "hash not hex", serve: fmRPC(fmWithField("hash", "0x"+strings.Repeat("zz", 32))), l2: 2, builder: 1,
			reason: "malformed response: block hash", also: []string{"invalid hex"}, class: "malformed"},

		// Heads that are odd but well-formed.
		{situation: "head stamped one hour in the future (clock skew)", serve: fmRPC(fmFuture), l2: 2, builder: 1,
			reason: "head #16 is stamped 1h0m0s in the future (max skew 30s)", also: []string{"this host's or the node's clock is wrong"},
			check: fmSkewFailed, note: "`--max-clock-skew` (default 30s; `0`: never, as rollup-boost)"},
		{situation: "head stamped 20 s in the future (within --max-clock-skew)", serve: fmRPC(fmFutureBy(20 * time.Second)), l2: 0, builder: 0,
			reason: "head #16 is 0s old", check: fmSkewWarned, note: "stderr: `warning: <endpoint> head #16 is … in the future: clock skew …`"},
		{situation: "head goes backwards within --interval (reorg)", serve: fmRPC(fmReorging), args: []string{"--interval", "1s", "--timeout", "1s", "--min-blocks", "2"}, l2: 2, builder: 1,
			reason: "head went back from #11 to #9 (reorg)", also: []string{"stuck at #9"}, check: fmReorgReported, note: "JSON `reorg: {from, to}`"},

		// TLS.
		{situation: "TLS: self-signed certificate", serve: fmSelfSigned(false), l2: 2, builder: 1,
			reason: "TLS: certificate signed by an unknown authority (use --tls-ca)", class: "tls"},
		{situation: "TLS: self-signed certificate, trusted with --tls-ca", serve: fmSelfSigned(true), l2: 0, builder: 0,
			reason: "head #16 is"},
		{situation: "TLS: certificate for another host name", serve: fmWrongName, l2: 2, builder: 1,
			reason: "TLS: the certificate is valid for wrong.example, not 127.0.0.1", class: "tls"},
		{situation: "TLS: client certificate required, none given", serve: fmClientAuth(false), l2: 2, builder: 1,
			reason: "TLS: handshake refused by the server", also: []string{"certificate required"}, class: "tls"},
		{situation: "TLS: client certificate required, given with --tls-cert/--tls-key", serve: fmClientAuth(true), l2: 0, builder: 0,
			reason: "head #16 is"},
		{situation: "https:// to a plain HTTP server", serve: fmHTTPSToPlain, l2: 2, builder: 1,
			reason: "TLS: the server does not speak TLS", class: "tls"},

		// WebSocket and IPC.
		{situation: "WebSocket upgraded, then closed", serve: fmWSClose, l2: 2, builder: 1,
			reason: "connection closed by the server", class: "connection"},
		{situation: "ws:// to a plain HTTP server", serve: fmWSPlain, l2: 2, builder: 1,
			reason: "websocket: bad handshake (HTTP status 200 OK)", class: "connection"},
		{situation: "IPC socket path does not exist", serve: fmIPCMissing, l2: 2, builder: 1,
			reason: "no IPC socket at that path", class: "refused"},
		{situation: "IPC path is a regular file, not a socket", serve: fmIPCRegularFile, l2: 2, builder: 1,
			reason: "the IPC path is a regular file, not a socket", class: "refused"},

		// JWT secret files: refused before any network I/O.
		{situation: "JWT secret file missing", serve: fmWithSecretFile(nil, 0), l2: 3, builder: 3,
			reason: "--SIDE-jwt-secret: cannot read", also: []string{"no such file or directory"}, note: "no connection made"},
		{situation: "JWT secret file unreadable", serve: fmWithSecretFile([]byte(strings.Repeat("ab", 32)), 0o200), l2: 3, builder: 3,
			reason: "--SIDE-jwt-secret: cannot read", also: []string{"permission denied"}, skip: fmSkipAsRoot, note: "no connection made"},
		{situation: "JWT secret file empty", serve: fmWithSecretFile([]byte("\n"), 0o600), l2: 3, builder: 3,
			reason: "--SIDE-jwt-secret: ", also: []string{"is empty"}, note: "no connection made"},
		{situation: "JWT secret file not hex", serve: fmWithSecretFile([]byte("correct horse battery staple\n"), 0o600), l2: 3, builder: 3,
			reason: "--SIDE-jwt-secret: ", also: []string{"is not hex"}, check: fmSecretHidden, note: "no connection made; the content is never shown"},
		{situation: "JWT secret not 32 bytes", serve: fmWithSecretFile([]byte(strings.Repeat("ab", 16)+"\n"), 0o600), l2: 3, builder: 3,
			reason: "--SIDE-jwt-secret: ", also: []string{"holds 16 bytes, want 32"}, note: "no connection made"},
		{situation: "JWT secret file world-readable", serve: fmWithSecretFile([]byte(strings.Repeat("ab", 32)+"\n"), 0o644), l2: 0, builder: 0,
			reason: "head #16 is", check: fmWorldReadableWarned, note: "stderr: `warning: --<endpoint>-jwt-secret: … is readable by every user …`"},

		// Addresses.
		{situation: "URL without a scheme (host:port)", serve: fmWithURL(func(addr string) string { return addr }), l2: 3, builder: 3,
			reason: "has no scheme: did you mean http://127.0.0.1:", note: "no connection made"},
		{situation: "URL with an unknown scheme", serve: fmWithURL(func(addr string) string { return "ftp://" + addr }), l2: 3, builder: 3,
			reason: `has unsupported scheme "ftp"`, note: "no connection made"},
		{situation: "credentials in the URL", serve: fmUserinfo, l2: 0, builder: 0,
			reason: "head #16 is", check: fmCredentialsRedacted, note: "the URL is shown as `http://REDACTED@127.0.0.1:…`"},
		{situation: "port out of range", serve: fmWithURL(func(string) string { return "http://127.0.0.1:99999" }), l2: 3, builder: 3,
			reason: `--SIDE "http://127.0.0.1:99999" has port 99999, want 1 to 65535`, note: "no connection made"},
		{situation: "header value with a control character", serve: fmWithFlags(fmRecording, "--SIDE-header", "X-A: a\x01b"), l2: 3, builder: 3,
			reason: `--SIDE-header: the value of "X-A" contains a control character`, note: "no connection made; the value is never shown"},

		// Interrupted, and everything at once.
		{situation: "SIGTERM during a long --interval", serve: fmRPC(fmFresh), args: []string{"--interval", "30s"}, signal: syscall.SIGTERM, l2: 3, builder: 3,
			reason: "interrupted", note: "within 1 s of the signal (the bench measures it)"},
		{situation: "SIGINT during a long --interval", serve: fmRPC(fmFresh), args: []string{"--interval", "30s"}, signal: syscall.SIGINT, l2: 3, builder: 3,
			reason: "interrupted", note: "within 1 s of the signal (the bench measures it)"},
		{situation: "both endpoints failing (L2 refused, builder HTTP 500)", serve: fmRefused, alongside: fmStatus(500, "text/plain", "boom"), l2: 2, builder: 2,
			reason: "connection refused", also: []string{"; builder HTTP 500 Internal Server Error: boom"}, class: "refused", note: "both reasons, the L2's first"},
	}
}

// fmURL is a fixed address.
func fmURL(url string) faultServe {
	return func(*testing.T, *faultFixture) faultEndpoint { return faultEndpoint{url: url} }
}

// fmWithURL is a recording listener addressed as address(host:port); it must never be reached.
func fmWithURL(address func(addr string) string) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		ep := fmRecording(t, fx)
		ep.url = address(strings.TrimPrefix(ep.url, "http://"))
		return ep
	}
}

// fmWithSecretFile is an endpoint reached with --SIDE-jwt-secret FILE, where FILE holds content
// with mode perm (nil: no file at all): a healthy node when the secret is good, else a listener
// that records connections, as a refused secret must keep the probe off the network.
func fmWithSecretFile(content []byte, perm os.FileMode) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		path := filepath.Join(t.TempDir(), "jwt.hex")
		if content != nil {
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, perm); err != nil { // exact mode, whatever the umask
				t.Fatal(err)
			}
		}
		serve := fmRecording
		if _, err := rpc.ParseSecret(content); content != nil && err == nil {
			serve = fmRPC(fmFresh)
		}
		ep := serve(t, fx)
		ep.flags = []string{"--SIDE-jwt-secret", path}
		return ep
	}
}

func fmSkipAsRoot() string {
	if os.Geteuid() == 0 {
		return "root reads any file"
	}
	return ""
}

// fmSelfSigned is httptest's self-signed TLS server; trusted adds --tls-ca with its certificate.
func fmSelfSigned(trusted bool) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		hits := newFaultHits()
		srv := fmTLSTestServer(t, hits, fmRPCHandler(hits, fmFresh))
		ep := faultEndpoint{url: srv, hits: hits}
		if trusted {
			ca := filepath.Join(t.TempDir(), "server.pem")
			if err := os.WriteFile(ca, fx.pki.selfSignedPEM, 0o600); err != nil {
				t.Fatal(err)
			}
			ep.flags = []string{"--tls-ca", ca}
		}
		return ep
	}
}

// fmWrongName serves a certificate for wrong.example, signed by a trusted CA, on 127.0.0.1.
func fmWrongName(t *testing.T, fx *faultFixture) faultEndpoint {
	url, hits := fmTLS(t, fx.pki.wrongName, nil)
	return faultEndpoint{url: url, hits: hits, flags: []string{"--tls-ca", fx.pki.caFile}}
}

// fmClientAuth requires a client certificate; given passes one with --tls-cert/--tls-key.
func fmClientAuth(given bool) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		url, hits := fmTLS(t, fx.pki.server, fx.pki.clientCAs)
		ep := faultEndpoint{url: url, hits: hits, flags: []string{"--tls-ca", fx.pki.caFile}}
		if given {
			ep.flags = append(ep.flags, "--tls-cert", fx.pki.clientCert, "--tls-key", fx.pki.clientKey)
		}
		return ep
	}
}

// fmHTTPSToPlain is https:// pointed at a plain HTTP node.
func fmHTTPSToPlain(t *testing.T, fx *faultFixture) faultEndpoint {
	ep := fmRPC(fmFresh)(t, fx)
	ep.url = "https" + strings.TrimPrefix(ep.url, "http")
	return ep
}

// fmWithJWT is serve reached with --SIDE-jwt-secret, a good secret file: a JWT is sent.
func fmWithJWT(serve faultServe) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		path := filepath.Join(t.TempDir(), "jwt.hex")
		if err := os.WriteFile(path, []byte(hex.EncodeToString(fmJWTSecret)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ep := serve(t, fx)
		ep.flags = append(ep.flags, "--SIDE-jwt-secret", path)
		return ep
	}
}

// fmWithUserinfo is serve addressed with a user and password in its URL.
func fmWithUserinfo(serve faultServe) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		ep := serve(t, fx)
		ep.url = "http://user:pass@" + strings.TrimPrefix(ep.url, "http://")
		return ep
	}
}

// fmUserinfo is a healthy node addressed with a user and password in its URL.
func fmUserinfo(t *testing.T, fx *faultFixture) faultEndpoint {
	ep := fmRPC(fmFresh)(t, fx)
	ep.url = "http://user:pass@" + strings.TrimPrefix(ep.url, "http://")
	return ep
}

// fmWrongShape answers a single call with a batch (an array) and a batch with a single object.
func fmWrongShape(t *testing.T, _ *faultFixture) faultEndpoint {
	hits := newFaultHits()
	var calls atomic.Int64
	url := fmHTTP(t, hits, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		answer := fmRPCAnswer(body, func() fmReply { return fmFresh }, &calls)
		if answer[0] == '[' {
			answer = answer[1 : bytes.IndexByte(answer, '}')+1] // the first answer alone
		} else {
			answer = append(append([]byte("["), answer...), ']')
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
	return faultEndpoint{url: url, hits: hits}
}

// fmClosing accepts TCP connections, reads the request and closes them without an answer; reset
// closes with an RST. The request is read first in both cases, so the client is waiting for the
// answer when the close arrives (a reset before the request is written races with the write).
func fmClosing(reset bool) faultServe {
	return func(t *testing.T, _ *faultFixture) faultEndpoint {
		addr, hits := fmListen(t, func(c net.Conn) {
			c.Read(make([]byte, 4096))
			if reset {
				c.(*net.TCPConn).SetLinger(0)
			}
			c.Close()
		})
		return faultEndpoint{url: "http://" + addr, hits: hits}
	}
}

// fmRefusedBound bounds the probe's own time to report a refused port: a fifth of the default 1 s
// timeout, so far from waiting for it, with room for a loaded machine. The 50 ms budget is the
// bench's (P6).
const fmRefusedBound = 200 * time.Millisecond

// fmFastFail: a refused port is answered in milliseconds, not at the timeout.
func fmFastFail(t *testing.T, side string, o faultOutcome) {
	if o.doc != nil && o.doc.DurationSeconds > fmRefusedBound.Seconds() {
		t.Errorf("%s: the probe took %.1f ms to report a refused port (want < %s)", side, o.doc.DurationSeconds*1000, fmRefusedBound)
	}
	if o.wall > fmStartSlack {
		t.Errorf("%s: a refused port took %s of process wall time, want < %s", side, o.wall, fmStartSlack)
	}
}

// fmSmallRSS: a huge body is refused at the cap, never held in memory.
func fmSmallRSS(t *testing.T, side string, o faultOutcome) {
	fmPeakRSS.record(o.maxRSSKiB)
	if o.maxRSSKiB <= 0 || o.maxRSSKiB >= 50_000 {
		t.Errorf("%s: peak RSS %d KiB, want < 50 MB", side, o.maxRSSKiB)
	}
}

// fmPeakRSS is the highest peak RSS (KiB) of the huge-body runs, for the log.
var fmPeakRSS = &fmMax[int64]{}

// fmSpawnerSource runs a program and writes its peak RSS in KiB to a file: rusage.ru_maxrss of a
// child that os/exec starts is at least its parent's RSS (Linux counts the address space the
// child shares with its parent until exec), so the probe is measured as the child of this small
// process, not of the test process with its in-process nodes.
const fmSpawnerSource = `package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// usage: spawner RSSFILE PROGRAM ARGS...
func main() {
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "spawner:", err)
		os.Exit(125)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	if err := os.WriteFile(os.Args[1], []byte(fmt.Sprint(rss)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "spawner:", err)
		os.Exit(125)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
`

// buildSpawner compiles fmSpawnerSource into dir.
func buildSpawner(t *testing.T, dir string) string {
	t.Helper()
	src, bin := filepath.Join(dir, "spawner.go"), filepath.Join(dir, "spawner")
	if err := os.WriteFile(src, []byte(fmSpawnerSource), 0o600); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", bin, src)
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GO111MODULE=on")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the RSS spawner: %v\n%s", err, out)
	}
	return bin
}

// fmSkewFailed: a head an hour in the future fails its endpoint, with age 0, the distance in the
// JSON and the warning on stderr.
func fmSkewFailed(t *testing.T, side string, o faultOutcome) {
	if o.doc != nil {
		if e := o.doc.endpoint(side); e == nil || e.OK || e.AgeSeconds == nil || *e.AgeSeconds != 0 || e.ClockAheadSeconds < 3590 || e.ClockAheadSeconds > 3600 {
			t.Errorf("%s: want a failed endpoint, age 0 and about 3600 s of clock_ahead_seconds, got %+v", side, e)
		}
		return
	}
	// Said once, by the first line: no warning on stderr that counts its age as 0 (issue #18).
	if strings.Contains(o.stderr, "head #16 is") || strings.Contains(o.stderr, "counted as 0") {
		t.Errorf("%s: stderr contradicts or repeats the verdict: %q", side, o.stderr)
	}
	if strings.Contains(o.stdout, "warning") {
		t.Errorf("%s: a warning went to stdout", side)
	}
}

// fmSkewWarned: a head a little in the future is fresh, with a warning on stderr.
func fmSkewWarned(t *testing.T, side string, o faultOutcome) {
	if o.doc != nil {
		if e := o.doc.endpoint(side); e == nil || !e.OK || e.AgeSeconds == nil || *e.AgeSeconds != 0 || e.ClockAheadSeconds < 15 || e.ClockAheadSeconds > 20 {
			t.Errorf("%s: want age 0 and about 20 s of clock_ahead_seconds, got %+v", side, e)
		}
		return
	}
	if !strings.Contains(o.stderr, "warning: "+side+" head #16 is ") || !strings.Contains(o.stderr, "clock skew between this host and the node (age counted as 0)") {
		t.Errorf("%s: no clock-skew warning on stderr: %q", side, o.stderr)
	}
	if strings.Contains(o.stdout, "warning") {
		t.Errorf("%s: the warning went to stdout", side)
	}
}

// fmReorgReported: the backwards move is in the JSON.
func fmReorgReported(t *testing.T, side string, o faultOutcome) {
	if o.doc == nil {
		return
	}
	if e := o.doc.endpoint(side); e == nil || e.Reorg == nil || e.Reorg.From.Number != 11 || e.Reorg.To.Number != 9 {
		t.Errorf("%s: want reorg {from #11, to #9} in the JSON, got %+v", side, e)
	}
}

// fmSecretHidden: a bad secret file's content is never echoed.
func fmSecretHidden(t *testing.T, side string, o faultOutcome) {
	if strings.Contains(o.stdout+o.stderr, "horse") {
		t.Errorf("%s: the secret file's content was printed", side)
	}
}

// fmWorldReadableWarned: a world-readable secret is used, with a warning on stderr only.
func fmWorldReadableWarned(t *testing.T, side string, o faultOutcome) {
	if !strings.Contains(o.stderr, "warning: --"+side+"-jwt-secret: ") || !strings.Contains(o.stderr, "readable by every user") {
		t.Errorf("%s: no world-readable warning on stderr: %q", side, o.stderr)
	}
	if strings.Contains(o.stdout, "readable") {
		t.Errorf("%s: the warning went to stdout", side)
	}
}

// fmCredentialsRedacted: user info is used but never printed.
func fmCredentialsRedacted(t *testing.T, side string, o faultOutcome) {
	if strings.Contains(o.stdout+o.stderr, "user:pass") {
		t.Errorf("%s: the password was printed", side)
	}
	if o.doc != nil {
		if e := o.doc.endpoint(side); e == nil || !strings.HasPrefix(e.URL, "http://REDACTED@127.0.0.1:") {
			t.Errorf("%s: JSON url not redacted: %+v", side, e)
		}
	} else if !strings.Contains(o.stdout, "http://REDACTED@127.0.0.1:") {
		t.Errorf("%s: the text output does not show the redacted URL", side)
	}
}

// faultFixture is what the cases share: one real devnet for the healthy L2, and a PKI.
type faultFixture struct {
	net     *devnet.Net
	pki     *faultPKI
	spawner string // see fmSpawnerSource
}

// newFaultFixture starts a sequencer whose L2 is kept fresh (a block whenever its head is 2 s old)
// until the test ends.
func newFaultFixture(t *testing.T) *faultFixture {
	t.Helper()
	dir := t.TempDir()
	fx := &faultFixture{net: sequencer(t), pki: newFaultPKI(t, dir), spawner: buildSpawner(t, dir)}
	t.Cleanup(sealWhile(fx.net.L2, 200*time.Millisecond, func() bool {
		_, _, ts := fx.net.L2.Head()
		return int64(ts)+2 <= time.Now().Unix()
	}))
	return fx
}

// faultOutcome is one run of the binary with, for -o json, its document.
type faultOutcome struct {
	outcome
	// maxRSSKiB is rusage's ru_maxrss of the process run; see fmSpawnerSource.
	maxRSSKiB int64
	doc       *faultDoc
}

// faultDoc is the part of the JSON document the matrix checks.
type faultDoc struct {
	Status          string            `json:"status"`
	ExitCode        int               `json:"exit_code"`
	Reason          string            `json:"reason"`
	DurationSeconds float64           `json:"duration_seconds"`
	L2              *faultEndpointDoc `json:"l2"`
	Builder         *faultEndpointDoc `json:"builder"`
}

type faultEndpointDoc struct {
	URL               string   `json:"url"`
	OK                bool     `json:"ok"`
	Reason            string   `json:"reason"`
	ErrorClass        string   `json:"error_class"`
	AgeSeconds        *float64 `json:"age_seconds"`
	ClockAheadSeconds float64  `json:"clock_ahead_seconds"`
	Reorg             *struct {
		From, To struct {
			Number uint64 `json:"number"`
		}
	} `json:"reorg"`
}

func (d *faultDoc) endpoint(side string) *faultEndpointDoc {
	if side == "builder" {
		return d.Builder
	}
	return d.L2
}

// faultStart starts the binary with args and a clean environment (and, in the comparison mode,
// the old binary beside it, which faultWait compares: see samejson_test.go).
func faultStart(args []string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer, error) {
	cmd, stdout, stderr, err := faultStartProgram(binary, args)
	if err == nil {
		samejsonStore(cmd, args)
	}
	return cmd, stdout, stderr, err
}

// faultStartProgram starts a program with args and a clean environment.
func faultStartProgram(program string, args []string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer, error) {
	cmd := exec.Command(program, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr, cmd.Start()
}

// faultWait waits for a started run and collects its outcome.
func faultWait(t *testing.T, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, start time.Time) faultOutcome {
	t.Helper()
	err := cmd.Wait()
	o := faultOutcome{outcome: outcome{stdout: stdout.String(), stderr: stderr.String(), wall: time.Since(start)}}
	if pair := samejsonTake(cmd); pair != nil {
		defer pair.compare(t, o.stdout)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Errorf("running headprobe: %v", err)
		o.code = -1
		return o
	}
	o.code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		o.maxRSSKiB = ru.Maxrss
	}
	t.Logf("%s %s\n-> exit %d in %s\n%s%s", filepath.Base(cmd.Path), strings.Join(cmd.Args[1:], " "), o.code,
		o.wall.Round(time.Millisecond), o.stdout, o.stderr)
	if slices.Contains(cmd.Args, "json") {
		var doc faultDoc
		if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
			t.Errorf("-o json: stdout is not one JSON object: %v", err)
		} else {
			o.doc = &doc
		}
	}
	return o
}

// faultExec runs the binary to its end.
func faultExec(t *testing.T, args ...string) faultOutcome {
	t.Helper()
	start := time.Now()
	cmd, stdout, stderr, err := faultStart(args)
	if err != nil {
		t.Errorf("starting headprobe: %v", err)
		return faultOutcome{outcome: outcome{code: -1}}
	}
	return faultWait(t, cmd, stdout, stderr, start)
}

// execRSS runs the binary as a child of the spawner, and reads the probe's own peak RSS.
func (fx *faultFixture) execRSS(t *testing.T, args ...string) faultOutcome {
	t.Helper()
	file := filepath.Join(t.TempDir(), "rss")
	start := time.Now()
	cmd, stdout, stderr, err := faultStartProgram(fx.spawner, append([]string{file, binary}, args...))
	if err != nil {
		t.Errorf("starting the spawner: %v", err)
		return faultOutcome{outcome: outcome{code: -1}}
	}
	samejsonStore(cmd, args) // the old binary runs directly: its RSS is not measured
	o := faultWait(t, cmd, stdout, stderr, start)
	direct := o.maxRSSKiB
	raw, err := os.ReadFile(file)
	if err == nil {
		o.maxRSSKiB, err = strconv.ParseInt(string(raw), 10, 64)
	}
	if err != nil {
		t.Errorf("the spawner wrote no RSS: %v", err)
		o.maxRSSKiB = -1
	}
	t.Logf("peak RSS of the probe: %d KiB (%d KiB as the direct child of the test process)", o.maxRSSKiB, direct)
	return o
}

// fmStartSlack is how much longer than its own bound a whole process may take: process start and
// exit on a loaded machine. It only catches hangs; the exact figures are the bench's.
const fmStartSlack = 2 * time.Second

// fmWithinBound checks a run against its bound: the probe's own duration_seconds (JSON runs)
// tightly, the process's wall time loosely, by fmStartSlack.
func fmWithinBound(t *testing.T, side string, bound time.Duration, o faultOutcome) {
	t.Helper()
	if o.doc != nil {
		if d := time.Duration(o.doc.DurationSeconds * float64(time.Second)); d > bound {
			t.Errorf("%s: the probe measured %s, beyond interval + timeout + 300ms = %s", side, d.Round(time.Millisecond), bound)
		}
	}
	if o.wall > bound+fmStartSlack {
		t.Errorf("%s: the process took %s, beyond its bound %s + %s of start-up", side, o.wall.Round(time.Millisecond), bound, fmStartSlack)
	}
}

// fmRunBound is the bound of a run's own work: interval + timeout + 300 ms, that is the probe's
// 50 ms deadline margin and 250 ms for a CPU-starved process to see its timer fire (measured:
// up to 240 ms late with load average 12 on two cores). A run that waits a second timeout or
// ignores its deadline still fails.
func fmRunBound(t *testing.T, args []string) time.Duration {
	interval, timeout := time.Duration(0), time.Second
	for i := 0; i+1 < len(args); i++ {
		var d *time.Duration
		switch args[i] {
		case "--interval":
			d = &interval
		case "--timeout":
			d = &timeout
		default:
			continue
		}
		v, err := time.ParseDuration(args[i+1])
		if err != nil {
			t.Fatalf("%s %s: %v", args[i], args[i+1], err)
		}
		*d = v
	}
	return interval + timeout + 300*time.Millisecond
}

// fmPrefix is the start of the first line for an exit code and the failing endpoint.
func fmPrefix(code int, side string) string {
	switch code {
	case 0:
		return "HEALTHY: "
	case 1:
		return "PARTIAL: builder "
	case 2:
		return "UNAVAILABLE: l2 "
	default:
		return "UNKNOWN: "
	}
}

// sides are the placements of a case's fault.
func (c faultCase) sides() []string {
	if c.alongside != nil {
		return []string{"both"}
	}
	return []string{"l2", "builder"}
}

func (c faultCase) code(side string) int {
	if side == "builder" {
		return c.builder
	}
	return c.l2
}

func (c faultCase) hasInterval() bool { return slices.Contains(c.args, "--interval") }

// faultRun is one prepared run of a case: its servers are up, its arguments ready.
type faultRun struct {
	side string // l2, builder or both
	name string // the faulty endpoint's name: l2 or builder
	code int    // the exit code expected
	args []string
	ep   faultEndpoint
	// others are the other endpoints the run uses (a recording L2, a failing builder).
	others []faultEndpoint
}

// prepare starts the case's servers for one run with the fault on side; decorate rewrites every
// endpoint address (nil: none), and extra flags are added, with SIDE standing for the faulty endpoint.
func (c faultCase) prepare(t *testing.T, fx *faultFixture, side string, decorate func(string) string, extra ...string) faultRun {
	t.Helper()
	if decorate == nil {
		decorate = func(url string) string { return url }
	}
	r := faultRun{side: side, name: side, code: c.code(side), ep: c.serve(t, fx)}
	if c.l2 == 3 && c.builder == 3 && c.signal == nil && r.ep.hits != nil && !r.ep.untouched {
		t.Fatalf("%s: a refused configuration must be tried against a recording listener", c.situation)
	}
	switch side {
	case "l2":
		r.args = []string{"--l2", decorate(r.ep.url)}
	case "builder":
		l2 := fx.net.L2.HTTPURL()
		if c.l2 == 3 && c.builder == 3 && c.signal == nil {
			rec := fmRecording(t, fx) // a refused configuration must not touch the L2 either
			r.others, l2 = append(r.others, rec), rec.url
		}
		if c.hasInterval() && c.signal == nil {
			// The run watches the L2 advance: a fake one that is a block further on at every
			// request, so the builder's fault alone decides (the devnet stamps each block a second
			// after its parent, and sealed fast it would run ahead of --max-clock-skew).
			adv := fmRPC(fmAdvancing)(t, fx)
			r.others, l2 = append(r.others, adv), adv.url
		}
		r.args = []string{"--l2", decorate(l2), "--builder", decorate(r.ep.url)}
	case "both":
		r.name, r.code = "l2", 2
		b := c.alongside(t, fx)
		r.others = append(r.others, b)
		r.args = []string{"--l2", decorate(r.ep.url), "--builder", decorate(b.url)}
	}
	for _, f := range append(append(append([]string{}, r.ep.flags...), c.args...), extra...) {
		r.args = append(r.args, strings.ReplaceAll(f, "SIDE", r.name))
	}
	return r
}

// exec runs a prepared run and checks its wall time and what reached the endpoints. It makes no
// fatal calls after the process started, so runs may go concurrently.
func (c faultCase) exec(t *testing.T, fx *faultFixture, r faultRun) faultOutcome {
	t.Helper()
	var o faultOutcome
	switch {
	case c.signal != nil:
		o = c.interrupt(t, r.ep, r.args)
	case c.rss:
		o = fx.execRSS(t, r.args...)
	default:
		o = faultExec(t, r.args...)
	}
	if c.signal == nil {
		fmWithinBound(t, r.side, fmRunBound(t, r.args), o)
	}
	for _, e := range append(r.others, r.ep) {
		if e.hits == nil {
			continue
		}
		if n := e.hits.conns.Load() + e.hits.requests.Load(); e.untouched && n != 0 {
			t.Errorf("%s: refused configuration, yet the probe reached an endpoint (%d connections and requests)", r.side, n)
		}
		if n := e.hits.conns.Load() + e.hits.requests.Load(); !e.untouched && n == 0 {
			t.Errorf("%s: the probe never reached the endpoint", r.side)
		}
		if e.after != nil {
			e.after(t)
		}
	}
	return o
}

// runSide runs the case once with its fault placed on side, in output mode text or json, and
// checks everything the matrix promises.
func (c faultCase) runSide(t *testing.T, fx *faultFixture, side, output string) faultOutcome {
	t.Helper()
	r := c.prepare(t, fx, side, nil, "-o", output)
	o := c.exec(t, fx, r)
	reason := strings.ReplaceAll(c.reason, "SIDE", r.name)
	if output == "text" {
		prefix := fmPrefix(r.code, side)
		if c.signal != nil {
			prefix = "UNKNOWN: interrupted"
		}
		o.expect(t, r.code, prefix, append([]string{reason}, c.also...)...)
	} else if o.doc != nil {
		c.checkJSON(t, side, r.name, r.code, reason, o.doc)
	}
	if c.check != nil {
		c.check(t, side, o)
	}
	return o
}

// checkJSON checks the JSON document of a run against the case.
func (c faultCase) checkJSON(t *testing.T, side, name string, code int, reason string, doc *faultDoc) {
	t.Helper()
	if doc.ExitCode != code {
		t.Errorf("%s: json exit_code %d, want %d", side, doc.ExitCode, code)
	}
	if !strings.Contains(doc.Reason, reason) {
		t.Errorf("%s: json reason %q lacks %q", side, doc.Reason, reason)
	}
	if code == 3 {
		return // refused or interrupted: no endpoint was judged
	}
	e := doc.endpoint(name)
	if e == nil {
		t.Errorf("%s: no %s object in the JSON", side, name)
		return
	}
	if !strings.Contains(e.Reason, reason) {
		t.Errorf("%s: json %s.reason %q lacks %q", side, name, e.Reason, reason)
	}
	if !strings.Contains(doc.Reason, name+" "+e.Reason) {
		t.Errorf("%s: json reason %q does not carry %s.reason %q", side, doc.Reason, name, e.Reason)
	}
	if e.ErrorClass != c.class {
		t.Errorf("%s: json %s.error_class %q, want %q", side, name, e.ErrorClass, c.class)
	}
	if e.OK != (code == 0) {
		t.Errorf("%s: json %s.ok %v with exit %d", side, name, e.OK, code)
	}
}

// interrupt starts the run, waits for the endpoint's first request, sends the case's signal and
// checks that the probe exits within fmSignalBound of it.
func (c faultCase) interrupt(t *testing.T, ep faultEndpoint, args []string) faultOutcome {
	t.Helper()
	start := time.Now()
	cmd, stdout, stderr, err := faultStart(args)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ep.hits.first:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the endpoint got no request within 5s")
	}
	pair := samejsonPairOf(cmd)
	if pair != nil {
		samejsonBothConnected(ep.hits)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(c.signal); err != nil {
		t.Fatal(err)
	}
	if pair != nil {
		pair.signal(c.signal)
	}
	o := faultWait(t, cmd, stdout, stderr, start)
	exit := time.Since(sent)
	fmSignalToExit.record(exit)
	t.Logf("%s: exit %s after the signal", c.signal, exit.Round(time.Microsecond))
	if exit > fmSignalBound {
		t.Errorf("exited %s after %s, want within %s", exit.Round(time.Millisecond), c.signal, fmSignalBound)
	}
	return o
}

// fmSignalBound is how long after a signal a run must have exited: far under the runs' timeouts,
// with room for a loaded machine to schedule the process and reap it.
const fmSignalBound = time.Second

// fmSignalToExit is the longest time a run took to exit after a signal, for the log.
var fmSignalToExit = &fmMax[time.Duration]{}

// fmMax keeps the largest value recorded, from any goroutine.
type fmMax[T int64 | time.Duration] struct {
	mu sync.Mutex
	v  T
}

func (m *fmMax[T]) record(v T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.v = max(m.v, v)
}

func (m *fmMax[T]) max() T {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.v
}

// TestFaultMatrix runs every fault on the L2 and on the builder, in text and in JSON.
func TestFaultMatrix(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	fx := newFaultFixture(t)
	t.Cleanup(func() {
		if m := fmSignalToExit.max(); m > 0 {
			t.Logf("slowest exit after a signal: %s", m.Round(time.Microsecond))
		}
		if m := fmPeakRSS.max(); m > 0 {
			t.Logf("highest peak RSS refusing a 100 MiB body: %d KiB", m)
		}
	})
	for _, c := range faultMatrix() {
		t.Run(c.situation, func(t *testing.T) {
			t.Parallel()
			if c.skip != nil {
				if why := c.skip(); why != "" {
					t.Skip(why)
				}
			}
			for _, side := range c.sides() {
				for _, output := range []string{"text", "json"} {
					c.runSide(t, fx, side, output)
				}
			}
		})
	}
}

// sealEvery seals a block on n every period until the returned stop is called: the shared L2
// seals on demand.
func sealEvery(n *devnet.Node, period time.Duration) (stop func()) {
	return sealWhile(n, period, func() bool { return true })
}

// sealWhile seals a block on n every period while ok says so, until stop.
func sealWhile(n *devnet.Node, period time.Duration, ok func() bool) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if ok() {
					n.Seal()
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}
