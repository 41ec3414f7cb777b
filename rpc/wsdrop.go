package rpc

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
)

// A WebSocket the server has closed is noticed at once: go-ethereum's client may otherwise wait for
// an answer that cannot come until the timeout, or report whichever of EOF, reset or close 1006 it
// saw first. The next call then dials afresh.

// watchDrops wraps a WebSocket dial so that the server closing the connection is noticed at once.
func (c *Client) watchDrops(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		d := &dropConn{Conn: conn, dropped: make(chan struct{})}
		c.dropped.Store(&d.dropped)
		return d, nil
	}
}

// wasDropped reports whether the server closed the current WebSocket connection.
func (c *Client) wasDropped() bool {
	p := c.dropped.Load()
	if p == nil {
		return false
	}
	select {
	case <-*p:
		return true
	default:
		return false
	}
}

// cutOnDrop returns ctx cancelled with errDropped when the server closes the current WebSocket
// connection: go-ethereum's client may otherwise wait for an answer that cannot come until the
// timeout, or report whichever of EOF, reset or close 1006 it saw first.
func (c *Client) cutOnDrop(ctx context.Context) (context.Context, func()) {
	p := c.dropped.Load()
	if p == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-*p:
			cancel(errDropped)
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// fail explains a failed call, made in a context from cutOnDrop.
func (c *Client) fail(ctx context.Context, err error) *Failure {
	if errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), errDropped) {
		return errDropped
	}
	return classify(err, c.opts.Timeout, c.secrets, c.auth)
}

// dropConn closes dropped when a read fails for any reason but our own close or deadline.
type dropConn struct {
	net.Conn
	once    sync.Once
	dropped chan struct{}
}

func (d *dropConn) Read(p []byte) (int, error) {
	n, err := d.Conn.Read(p)
	if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
		d.once.Do(func() { close(d.dropped) })
	}
	return n, err
}
