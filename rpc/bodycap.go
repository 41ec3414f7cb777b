package rpc

import (
	"errors"
	"io"
	"net/http"
)

// MaxResponseBytes caps every response body: a latest block without transaction bodies is a few KiB,
// one with 30,000 transaction hashes about 2 MiB. go-ethereum's client itself has no such limit.
const MaxResponseBytes = 4 << 20

var errTooLarge = errors.New("response too large")

// cappedTransport refuses response bodies longer than limit bytes.
type cappedTransport struct {
	next  http.RoundTripper
	limit int64
}

// RoundTrip sends the request and wraps the body in a reader that fails past the limit.
func (t cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.limit {
		resp.Body.Close()
		return nil, errTooLarge
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: t.limit}
	return resp, nil
}

// cappedBody reads up to left bytes, then fails with errTooLarge instead of truncating silently.
type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
