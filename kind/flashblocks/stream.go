package flashblocks

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// stream is one subscription: a websocket whose frames a background reader records in a feed
// until the connection ends or close is called.
type stream struct {
	conn *websocket.Conn
	feed *feed
	done chan struct{} // closed when the reader has returned
}

// dial subscribes to the stream within opts.Timeout (and ctx): the handshake's failures are
// *rpc.Failure of the other endpoints' classes.
func dial(ctx context.Context, clock check.Clock, opts Options) (*stream, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		NetDialContext:   (&net.Dialer{Timeout: opts.Timeout}).DialContext,
		TLSClientConfig:  opts.TLS,
		HandshakeTimeout: opts.Timeout,
		ReadBufferSize:   4096,
		WriteBufferSize:  1024,
	}
	target, headers := withUserInfo(opts.URL, opts.Headers)
	conn, resp, err := d.DialContext(ctx, target, headers)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		switch {
		case errors.Is(err, websocket.ErrBadHandshake) && resp != nil:
			err = refused(resp) // its status text is the server's: scrubbed below like any other
		case ctx.Err() != nil:
			// The deadline cut the handshake: whatever the parser made of the answer so far (a
			// trickled "HTTP/" is a malformed response to it), it is the timeout's (or the run's).
			err = ctx.Err()
		case pastDeadline(ctx):
			// The same, seen before the context's own timer has run: the connection's deadline
			// is the context's, and the read it cut returned first.
			err = context.DeadlineExceeded
		}
		return nil, rpc.Explain(err, opts.Timeout, opts.URL, opts.Headers)
	}
	conn.SetReadLimit(MaxFrameBytes)
	s := &stream{conn: conn, feed: newFeed(clock.Now()), done: make(chan struct{})}
	go s.read(clock)
	return s, nil
}

// pastDeadline reports whether ctx's deadline has passed, whether or not its timer has fired yet.
func pastDeadline(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// withUserInfo moves a URL's user info into a Basic Authorization header, as go-ethereum's
// WebSocket client does for the other endpoints (gorilla refuses a URL that has one).
func withUserInfo(raw string, headers http.Header) (string, http.Header) {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw, headers
	}
	headers = headers.Clone()
	if headers == nil {
		headers = http.Header{}
	}
	headers.Add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.User.String())))
	u.User = nil
	return u.String(), headers
}

// refused explains a handshake the server answered without upgrading, as the other endpoints'
// WebSocket client does: 401 is unauthorized, anything else a bad handshake.
func refused(resp *http.Response) *rpc.Failure {
	if resp.StatusCode == http.StatusUnauthorized {
		return &rpc.Failure{Class: rpc.ClassUnauthorized, Msg: "unauthorized (HTTP 401 on the WebSocket handshake): check --flashblocks-header"}
	}
	status := strings.TrimSpace(resp.Status)
	if status == "" {
		status = fmt.Sprint(resp.StatusCode)
	}
	return &rpc.Failure{Class: rpc.ClassConnection, Msg: "websocket: bad handshake (HTTP status " + rpc.OneLine(status) + ")"}
}

// read records every message until the connection fails; its error ends the feed.
func (s *stream) read(clock check.Clock) {
	defer close(s.done)
	for {
		kind, data, err := s.conn.ReadMessage()
		if err != nil {
			s.feed.end(clock.Now(), err)
			return
		}
		f, err := Decode(kind, data)
		s.feed.add(clock.Now(), f, err)
	}
}

// close ends the subscription and waits for the reader.
func (s *stream) close() {
	s.conn.Close()
	<-s.done
}
