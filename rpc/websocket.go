package rpc

import (
	"net"

	"github.com/gorilla/websocket"
)

// wsDialer is go-ethereum's default WebSocket dialer with the client's TLS settings.
func (c *Client) wsDialer() websocket.Dialer {
	return websocket.Dialer{
		NetDialContext:   (&net.Dialer{Timeout: c.opts.Timeout}).DialContext,
		TLSClientConfig:  c.opts.TLS,
		HandshakeTimeout: c.opts.Timeout,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
	}
}
