package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestHeadTLS_NeverHTTP2: against a TLS server that offers HTTP/2, the probe's client speaks
// HTTP/1.1. The release build drops net/http's HTTP/2 with the tag nethttpomithttp2 (README, P3);
// this test, built without it, shows that nothing is lost: the client never negotiated h2.
func TestHeadTLS_NeverHTTP2(t *testing.T) {
	var mu sync.Mutex
	var protos []string
	ok := respond(200, "application/json", okResponse)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		protos = append(protos, r.Proto+" alpn="+r.TLS.NegotiatedProtocol)
		mu.Unlock()
		ok(w, r)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	// The server does speak HTTP/2 to a client that asks for it.
	resp, err := srv.Client().Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 { // built with nethttpomithttp2: net/http has no HTTP/2 to offer
		t.Skipf("the test server answered an HTTP/2 client with %s: net/http has no HTTP/2 in this build", resp.Proto)
	}

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	mu.Lock()
	protos = nil
	mu.Unlock()
	// With a configuration as TLSFiles.Config builds it (it never sets NextProtos), twice.
	for range 2 {
		h, _, err := callHead(t, srv.URL, Options{Timeout: tlsTimeout, TLS: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}})
		if err != nil || h != okHead {
			t.Fatalf("head %+v, error %v", h, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(protos) != 2 {
		t.Fatalf("%d requests, want 2: %q", len(protos), protos)
	}
	for _, p := range protos {
		if p != "HTTP/1.1 alpn=" && p != "HTTP/1.1 alpn=http/1.1" {
			t.Errorf("the probe's request came as %s, want HTTP/1.1", p)
		}
	}
}
