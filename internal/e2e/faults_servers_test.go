package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The fake endpoints of the fault matrix. Every server listens on 127.0.0.1 only and is closed
// when the test that started it ends.

// faultChainID is the chain id the fakes report: the devnet's, so a fake builder beside the real
// L2 fails only for its fault.
const faultChainID = `"0x385"`

// faultHits counts what reached a fake endpoint and signals its first request.
type faultHits struct {
	conns, requests atomic.Int64
	once            sync.Once
	first           chan struct{}
}

func newFaultHits() *faultHits { return &faultHits{first: make(chan struct{})} }

func (h *faultHits) request() {
	h.requests.Add(1)
	h.once.Do(func() { close(h.first) })
}

// fmReply is what a fake node answers to its n-th eth_getBlockByNumber (from 0): the members
// of the response object after "jsonrpc" and "id", e.g. `"result":null`; "" leaves both out.
type fmReply func(n int64) string

// fmRPCHandler is a JSON-RPC node over HTTP: single calls and batches, eth_chainId answered with
// the devnet's chain id, eth_getBlockByNumber with reply.
func fmRPCHandler(hits *faultHits, reply fmReply) http.Handler {
	var calls fmCalls
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(fmRPCAnswer(body, func() fmReply { return reply }, calls.of(r)))
	})
}

// fmCalls counts a fake node's calls, for a reply that depends on their number (fmReorging,
// fmAdvancing): one count for the server; in the comparison mode (samejson_test.go), where the
// old and the new binary probe the same fake at once, one per TCP connection, so that each
// process sees the sequence a run alone sees (a run keeps its connection to an endpoint).
type fmCalls struct {
	shared atomic.Int64
	mu     sync.Mutex
	byConn map[string]*atomic.Int64
}

func (c *fmCalls) of(r *http.Request) *atomic.Int64 {
	if samejsonBaseline == "" {
		return &c.shared
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byConn == nil {
		c.byConn = map[string]*atomic.Int64{}
	}
	if c.byConn[r.RemoteAddr] == nil {
		c.byConn[r.RemoteAddr] = new(atomic.Int64)
	}
	return c.byConn[r.RemoteAddr]
}

// fmRPCAnswer builds the JSON-RPC answer to one request body (a call or a batch).
func fmRPCAnswer(body []byte, reply func() fmReply, calls *atomic.Int64) []byte {
	type call struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	var msgs []call
	batch := len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '['
	if batch {
		json.Unmarshal(body, &msgs)
	} else {
		var c call
		json.Unmarshal(body, &c)
		msgs = []call{c}
	}
	var out []string
	for _, m := range msgs {
		var members string
		switch m.Method {
		case "eth_chainId":
			members = `"result":` + faultChainID
		case "eth_getBlockByNumber":
			members = reply()(calls.Add(1) - 1)
		default:
			members = `"error":{"code":-32601,"message":"the method ` + m.Method + ` does not exist/is not available"}`
		}
		msg := `{"jsonrpc":"2.0","id":` + string(m.ID)
		if members != "" {
			msg += "," + members
		}
		out = append(out, msg+"}")
	}
	if batch {
		return []byte("[" + strings.Join(out, ",") + "]")
	}
	return []byte(out[0])
}

// fmBlockHash is a distinct, well-formed hash for block n.
func fmBlockHash(n uint64) string { return fmt.Sprintf("0x%064x", 0xb10c0000+n) }

// fmBlock is a result member carrying block number with a fresh timestamp; edit changes its fields
// (delete one to leave it out).
func fmBlock(number uint64, edit func(map[string]any)) string {
	b := map[string]any{
		"number":     fmt.Sprintf("0x%x", number),
		"hash":       fmBlockHash(number),
		"parentHash": fmBlockHash(number - 1),
		"timestamp":  fmt.Sprintf("0x%x", time.Now().Unix()),
	}
	if edit != nil {
		edit(b)
	}
	raw, _ := json.Marshal(b)
	return `"result":` + string(raw)
}

// fmFresh answers a fresh block #16 to every call: a healthy node.
func fmFresh(int64) string { return fmBlock(16, nil) }

// fmAdvancing is a healthy node a block further on at every call, stamped now.
func fmAdvancing(n int64) string { return fmBlock(uint64(100+n), nil) }

// fmWithField answers block #16 with one field set to value.
func fmWithField(name string, value any) fmReply {
	return func(int64) string { return fmBlock(16, func(b map[string]any) { b[name] = value }) }
}

// fmWithoutField answers block #16 without one field.
func fmWithoutField(name string) fmReply {
	return func(int64) string { return fmBlock(16, func(b map[string]any) { delete(b, name) }) }
}

// fmAlways answers the same members every time.
func fmAlways(members string) fmReply { return func(int64) string { return members } }

// fmRPCError answers a JSON-RPC error object.
func fmRPCError(code int, message string) fmReply {
	msg, _ := json.Marshal(message)
	return fmAlways(fmt.Sprintf(`"error":{"code":%d,"message":%s}`, code, msg))
}

// fmHTTP serves h on 127.0.0.1 until the test ends and returns its URL.
func fmHTTP(t *testing.T, hits *faultHits, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	fmCountConns(srv, hits)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// fmCountConns counts the TCP connections a server accepts into hits (nil: none).
func fmCountConns(srv *httptest.Server, hits *faultHits) {
	if hits == nil {
		return
	}
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			hits.conns.Add(1)
		}
	}
}

// fmRPC is an endpoint answering JSON-RPC with reply.
func fmRPC(reply fmReply) faultServe {
	return func(t *testing.T, _ *faultFixture) faultEndpoint {
		hits := newFaultHits()
		return faultEndpoint{url: fmHTTP(t, hits, fmRPCHandler(hits, reply)), hits: hits}
	}
}

// fmStatus is an endpoint answering every request with one HTTP status, content type and body.
func fmStatus(code int, contentType, body string) faultServe {
	return func(t *testing.T, _ *faultFixture) faultEndpoint {
		hits := newFaultHits()
		url := fmHTTP(t, hits, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.request()
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			w.WriteHeader(code)
			io.WriteString(w, body)
		}))
		return faultEndpoint{url: url, hits: hits}
	}
}

// fmHandler is an endpoint served by h.
func fmHandler(h func(hits *faultHits) http.HandlerFunc) faultServe {
	return func(t *testing.T, _ *faultFixture) faultEndpoint {
		hits := newFaultHits()
		return faultEndpoint{url: fmHTTP(t, hits, h(hits)), hits: hits}
	}
}

// fmListen opens a TCP listener on 127.0.0.1 that accepts connections and hands them to handle
// (nil: hold them open, never answering); connections are counted.
func fmListen(t *testing.T, handle func(net.Conn)) (addr string, hits *faultHits) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hits = newFaultHits()
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			hits.conns.Add(1)
			hits.request()
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			if handle != nil {
				go handle(c)
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), hits
}

// fmSilent accepts TCP connections and never sends a byte.
func fmSilent(t *testing.T, _ *faultFixture) faultEndpoint {
	addr, hits := fmListen(t, nil)
	return faultEndpoint{url: "http://" + addr, hits: hits}
}

// fmRecording is a listener that must never be reached: a configuration error is refused
// before any network I/O.
func fmRecording(t *testing.T, _ *faultFixture) faultEndpoint {
	addr, hits := fmListen(t, nil)
	return faultEndpoint{url: "http://" + addr, hits: hits, untouched: true}
}

// fmRefused is a port where nothing listens.
func fmRefused(t *testing.T, _ *faultFixture) faultEndpoint {
	return faultEndpoint{url: "http://" + fmClosedPort(t)}
}

// fmClosedPort is a 127.0.0.1 address that refuses connections.
func fmClosedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// fmTrickle sends the headers of a JSON answer, then one byte every 20 ms until the client leaves.
func fmTrickle(hits *faultHits) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":`)
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := io.WriteString(w, " "); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	}
}

// fmHugeBody is the size of the huge answer: far beyond the 4 MiB cap.
const fmHugeBody = 100 << 20

// fmHuge streams a 100 MiB JSON-RPC answer without holding it in memory; announce sets its
// Content-Length, else it is chunked.
func fmHuge(announce bool) func(hits *faultHits) http.HandlerFunc {
	return func(hits *faultHits) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			hits.request()
			head, tail := `{"jsonrpc":"2.0","id":1,"result":"`, `"}`
			w.Header().Set("Content-Type", "application/json")
			if announce {
				w.Header().Set("Content-Length", fmt.Sprint(fmHugeBody))
			}
			io.WriteString(w, head)
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			for left := fmHugeBody - len(head) - len(tail); left > 0; left -= len(chunk) {
				if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
					return // the probe hung up, as it should
				}
			}
			io.WriteString(w, tail)
		}
	}
}

// fmRedirect answers 302 to another local server, which records whether it was asked.
func fmRedirect(t *testing.T, _ *faultFixture) faultEndpoint {
	target := newFaultHits()
	targetURL := fmHTTP(t, target, fmRPCHandler(target, fmFresh))
	url := fmHTTP(t, nil, http.RedirectHandler(targetURL+"/moved", http.StatusFound))
	return faultEndpoint{url: url, after: func(t *testing.T) {
		if n := target.requests.Load(); n != 0 {
			t.Errorf("the redirect was followed: its target got %d requests", n)
		}
	}}
}

// fmGzipGarbage claims a gzip body and sends bytes that are not gzip.
func fmGzipGarbage(hits *faultHits) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		hits.request()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, "this is not gzip at all, just some bytes\x00\x01\x02")
	}
}

// fmReorging answers #10, #11, then #9 forever, all with fresh timestamps.
func fmReorging(n int64) string {
	switch n {
	case 0:
		return fmBlock(10, nil)
	case 1:
		return fmBlock(11, nil)
	default:
		return fmBlock(9, nil)
	}
}

// fmFuture answers a block stamped one hour ahead of the local clock. It answers early in a
// second, so that the probe reads the answer within the same second and finds it exactly 1h0m0s
// ahead (ages are whole seconds), not 59m59s.
func fmFuture(int64) string {
	if frac := time.Duration(time.Now().UnixNano() % int64(time.Second)); frac > 700*time.Millisecond {
		time.Sleep(time.Second - frac)
	}
	return fmBlock(16, func(b map[string]any) { b["timestamp"] = fmt.Sprintf("0x%x", time.Now().Add(time.Hour).Unix()) })
}

// fmFutureBy answers a block stamped d ahead of the local clock.
func fmFutureBy(d time.Duration) fmReply {
	return func(int64) string {
		return fmBlock(16, func(b map[string]any) { b["timestamp"] = fmt.Sprintf("0x%x", time.Now().Add(d).Unix()) })
	}
}

// fmWSClose upgrades to WebSocket, then closes the connection at once.
func fmWSClose(t *testing.T, _ *faultFixture) faultEndpoint {
	hits := newFaultHits()
	up := websocket.Upgrader{}
	url := fmHTTP(t, hits, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c.Close()
	}))
	return faultEndpoint{url: "ws" + strings.TrimPrefix(url, "http"), hits: hits}
}

// fmWSPlain is ws:// pointed at a plain JSON-RPC server that does not upgrade.
func fmWSPlain(t *testing.T, _ *faultFixture) faultEndpoint {
	hits := newFaultHits()
	url := fmHTTP(t, hits, fmRPCHandler(hits, fmFresh))
	return faultEndpoint{url: "ws" + strings.TrimPrefix(url, "http"), hits: hits}
}

// fmIPCMissing is an IPC path where nothing exists.
func fmIPCMissing(t *testing.T, _ *faultFixture) faultEndpoint {
	return faultEndpoint{url: filepath.Join(t.TempDir(), "geth.ipc")}
}

// fmIPCRegularFile is an IPC path that is a regular file, not a socket.
func fmIPCRegularFile(t *testing.T, _ *faultFixture) faultEndpoint {
	path := filepath.Join(t.TempDir(), "geth.ipc")
	if err := os.WriteFile(path, []byte("not a socket\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return faultEndpoint{url: path}
}

// fmTLSTestServer is httptest's TLS server, with its own self-signed certificate.
func fmTLSTestServer(t *testing.T, hits *faultHits, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	fmCountConns(srv, hits)
	srv.Config.ErrorLog = fmQuietLog() // failed handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// fmTLS serves a healthy JSON-RPC node over TLS with cert; clientCAs, when set, requires a
// client certificate they signed.
func fmTLS(t *testing.T, cert tls.Certificate, clientCAs *x509.CertPool) (url string, hits *faultHits) {
	t.Helper()
	hits = newFaultHits()
	srv := httptest.NewUnstartedServer(fmRPCHandler(hits, fmFresh))
	fmCountConns(srv, hits)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	if clientCAs != nil {
		srv.TLS.ClientAuth, srv.TLS.ClientCAs = tls.RequireAndVerifyClientCert, clientCAs
	}
	srv.Config.ErrorLog = fmQuietLog() // failed handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL, hits
}

// faultPKI is a test CA, server certificates it signed, and a client CA with one client certificate.
type faultPKI struct {
	caFile        string          // PEM of the server CA, for --tls-ca
	server        tls.Certificate // for 127.0.0.1
	wrongName     tls.Certificate // for wrong.example only
	clientCAs     *x509.CertPool
	clientCert    string // PEM files of a client certificate the client CA signed
	clientKey     string
	selfSignedPEM []byte // httptest's own certificate
}

func newFaultPKI(t *testing.T, dir string) *faultPKI {
	t.Helper()
	p := &faultPKI{}
	caCert, caKey := fmMakeCert(t, "headprobe test CA", nil, nil, nil, nil)
	p.caFile = fmWritePEM(t, dir, "ca.pem", "CERTIFICATE", caCert.Raw)
	p.server = fmLeaf(t, caCert, caKey, nil, []net.IP{net.IPv4(127, 0, 0, 1)})
	p.wrongName = fmLeaf(t, caCert, caKey, []string{"wrong.example"}, nil)
	clientCA, clientCAKey := fmMakeCert(t, "headprobe test client CA", nil, nil, nil, nil)
	p.clientCAs = x509.NewCertPool()
	p.clientCAs.AddCert(clientCA)
	client := fmLeaf(t, clientCA, clientCAKey, []string{"headprobe"}, nil)
	p.clientCert = fmWritePEM(t, dir, "client.pem", "CERTIFICATE", client.Certificate[0])
	der, err := x509.MarshalECPrivateKey(client.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	p.clientKey = fmWritePEM(t, dir, "client.key", "EC PRIVATE KEY", der)
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	p.selfSignedPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	srv.Close()
	return p
}

// fmMakeCert makes a CA (parent nil) or a leaf signed by parent.
func fmMakeCert(t *testing.T, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, names []string, ips []net.IP) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		DNSNames:     names,
		IPAddresses:  ips,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	signer, signerKey := tmpl, key
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// fmLeaf is a certificate for names and ips signed by the CA.
func fmLeaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, names []string, ips []net.IP) tls.Certificate {
	t.Helper()
	cn := "127.0.0.1"
	if len(names) > 0 {
		cn = names[0]
	}
	cert, key := fmMakeCert(t, cn, ca, caKey, names, ips)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

func fmWritePEM(t *testing.T, dir, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fmQuietLog discards a server's error log.
func fmQuietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// fmEchoPassword and fmEchoHeader are the credentials fmEchoingHeaders is reached with.
const (
	fmEchoPassword = "Pa55w0rdXYZ"
	fmEchoHeader   = "Ech0edHeaderValue"
)

// fmEchoingHeaders answers HTTP 500 with every request header it got, one per line, the secret
// ones first (before the reason is clipped), then all of them sorted; it is
// reached with user info in its URL and a secret header.
func fmEchoingHeaders(t *testing.T, _ *faultFixture) faultEndpoint {
	hits := newFaultHits()
	url := fmHTTP(t, hits, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		lines := []string{"X-Api-Key: " + r.Header.Get("X-Api-Key"), "Authorization: " + r.Header.Get("Authorization")}
		var rest []string
		for name, values := range r.Header {
			for _, v := range values {
				rest = append(rest, name+": "+v)
			}
		}
		slices.Sort(rest)
		http.Error(w, strings.Join(append(lines, rest...), "\n"), http.StatusInternalServerError)
	}))
	return faultEndpoint{url: "http://alice:" + fmEchoPassword + "@" + strings.TrimPrefix(url, "http://"), hits: hits,
		flags: []string{"--SIDE-header", "X-Api-Key: " + fmEchoHeader}}
}

// fmEchoScrubbed: neither the password, nor its Basic credential, nor the header value is shown.
func fmEchoScrubbed(t *testing.T, side string, o faultOutcome) {
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + fmEchoPassword))
	for _, s := range []string{fmEchoPassword, basic, basic[8:16], fmEchoHeader} {
		if strings.Contains(o.stdout+o.stderr, s) {
			t.Errorf("%s: the output shows %q", side, s)
		}
	}
}

// fmBatchRepeatedID answers a batch with the first call's id on every answer (so the last call
// has none); single calls are answered as a healthy node does.
func fmBatchRepeatedID(t *testing.T, _ *faultFixture) faultEndpoint {
	hits := newFaultHits()
	var calls atomic.Int64
	url := fmHTTP(t, hits, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.request()
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		answer := fmRPCAnswer(body, func() fmReply { return fmFresh }, &calls)
		var msgs []map[string]json.RawMessage
		if json.Unmarshal(answer, &msgs) == nil && len(msgs) > 1 {
			for _, m := range msgs {
				m["id"] = msgs[0]["id"]
			}
			answer, _ = json.Marshal(msgs)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
	return faultEndpoint{url: url, hits: hits}
}

// fmWithFlags is serve's endpoint reached with more flags ("SIDE" stands for l2 or builder).
func fmWithFlags(serve faultServe, flags ...string) faultServe {
	return func(t *testing.T, fx *faultFixture) faultEndpoint {
		ep := serve(t, fx)
		ep.flags = append(ep.flags, flags...)
		return ep
	}
}
