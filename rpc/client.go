package rpc

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/headprobe/headprobe/check"
)

// Options configure how an endpoint is reached.
type Options struct {
	// Timeout bounds each request, dialling included.
	Timeout time.Duration
	// JWTSecret, when set, signs a fresh Engine-API token for every request.
	JWTSecret []byte
	// Headers are sent with every HTTP request and WebSocket handshake.
	Headers http.Header
	// TLS configures https and wss; nil uses the system roots.
	TLS *tls.Config
	// ChainID asks for eth_chainId along with the first head, batched in the same round trip.
	ChainID bool
}

// Client is a check.Source for one JSON-RPC endpoint. It connects on first use, so a dead
// endpoint is a verdict, not a start-up error.
type Client struct {
	url  string
	opts Options

	mu   sync.Mutex
	conn *gethrpc.Client
	// chainID is learnt on the first successful call with Options.ChainID, and never asked for
	// again in the client's lifetime: not on a reconnect after a dropped WebSocket either, as a
	// node does not change chains under the same address (watch reuses one client for many checks).
	// idMu guards both, for concurrent checks.
	idMu         sync.Mutex
	chainID      uint64
	chainIDKnown bool
	secrets      []string
	// auth is what a 401 says to check: the credentials the requests carry (authHint).
	auth string

	// dropped is closed when the server closes the current WebSocket connection.
	dropped atomic.Pointer[chan struct{}]
}

// New returns a client for url (already validated with ValidateURL); nothing is sent yet.
func New(url string, opts Options) *Client {
	return &Client{url: url, opts: opts, secrets: secretsOf(url, opts.Headers), auth: authHint(url, opts)}
}

// Head fetches eth_getBlockByNumber("latest", false) within the timeout; with Options.ChainID, the
// first call also fetches eth_chainId in the same batched round trip. Errors are *Failure, with
// anything of the URL's or the headers' secrets that a server echoed replaced.
func (c *Client) Head(ctx context.Context) (check.Head, error) {
	h, err := c.head(ctx)
	return h, c.scrub(err)
}

// HashAt fetches the hash of block number, for the fork check. Errors are scrubbed *Failure.
func (c *Client) HashAt(ctx context.Context, number uint64) (common.Hash, error) {
	h, err := c.hashAt(ctx, number)
	return h, c.scrub(err)
}

func (c *Client) head(ctx context.Context) (check.Head, error) {
	var raw json.RawMessage
	if id, known := c.knownChainID(); !c.opts.ChainID || known {
		err := c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
			return conn.CallContext(ctx, &raw, "eth_getBlockByNumber", "latest", false)
		})
		if err != nil {
			return check.Head{}, err
		}
		h, err := DecodeHead(raw)
		h.ChainID, h.ChainIDKnown = id, known
		return h, err
	}
	var chainID hexutil.Uint64
	batch := []gethrpc.BatchElem{
		{Method: "eth_chainId", Result: &chainID},
		{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &raw},
	}
	err := c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
		return conn.BatchCallContext(ctx, batch)
	})
	if err != nil {
		return check.Head{}, err
	}
	for _, e := range batch {
		if errors.Is(e.Error, gethrpc.ErrMissingBatchResponse) {
			return check.Head{}, malformed("the batch answer has no answer to %s (ids missing or repeated)", e.Method)
		}
		if e.Error != nil {
			f := classify(e.Error, c.opts.Timeout, c.secrets, c.auth)
			if e.Method == "eth_chainId" {
				f = &Failure{Class: f.Class, Msg: "eth_chainId: " + f.Msg}
			}
			return check.Head{}, f
		}
	}
	h, err := DecodeHead(raw)
	if err != nil {
		return check.Head{}, err
	}
	c.idMu.Lock()
	c.chainID, c.chainIDKnown = uint64(chainID), true
	c.idMu.Unlock()
	h.ChainID, h.ChainIDKnown = uint64(chainID), true
	return h, nil
}

// knownChainID is the chain id learnt so far, if any.
func (c *Client) knownChainID() (uint64, bool) {
	c.idMu.Lock()
	defer c.idMu.Unlock()
	return c.chainID, c.chainIDKnown
}

func (c *Client) hashAt(ctx context.Context, number uint64) (common.Hash, error) {
	var raw json.RawMessage
	err := c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
		return conn.CallContext(ctx, &raw, "eth_getBlockByNumber", hexutil.Uint64(number), false)
	})
	if err != nil {
		return common.Hash{}, err
	}
	h, err := DecodeHead(raw)
	return h.Hash, err
}

// exchange makes one round trip within the timeout, dialling first if need be, and explains its
// failure as a *Failure.
func (c *Client) exchange(run context.Context, do func(context.Context, *gethrpc.Client) error) error {
	ctx, cancel := context.WithTimeout(run, c.opts.Timeout)
	defer cancel()
	conn, err := c.connect(ctx)
	if err != nil {
		return runDeadline(run, classify(err, c.opts.Timeout, c.secrets, c.auth))
	}
	ctx, stop := c.cutOnDrop(ctx)
	defer stop()
	if err := do(ctx, conn); err != nil {
		return runDeadline(run, c.fail(ctx, err))
	}
	return nil
}

// errRunDeadline is a request that the run's own deadline cut short before the request's timeout.
var errRunDeadline = &Failure{Class: ClassTimeout, Msg: "timeout: cut short by the run's deadline"}

// runDeadline says so when a timeout was the run's deadline (run's), not the request's own.
func runDeadline(run context.Context, f *Failure) *Failure {
	if f.Class == ClassTimeout && errors.Is(run.Err(), context.DeadlineExceeded) {
		return errRunDeadline
	}
	return f
}

// Close releases the connection.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// connect dials once; HTTP dials lazily inside go-ethereum, WebSocket and IPC connect here.
func (c *Client) connect(ctx context.Context) (*gethrpc.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil && !c.wasDropped() {
		return c.conn, nil
	}
	if c.conn != nil { // the server closed the WebSocket: start afresh, never stay failed
		c.conn.Close()
		c.conn = nil
		c.dropped.Store(nil)
	}
	conn, err := gethrpc.DialOptions(ctx, c.url, c.dialOptions()...)
	if err != nil {
		return nil, ipcDialError(c.url, err)
	}
	c.conn = conn
	return conn, nil
}

func (c *Client) dialOptions() []gethrpc.ClientOption {
	opts := []gethrpc.ClientOption{
		gethrpc.WithHTTPClient(c.httpClient()),
		gethrpc.WithWebsocketMessageSizeLimit(MaxResponseBytes),
	}
	if len(c.opts.Headers) > 0 {
		opts = append(opts, gethrpc.WithHeaders(c.opts.Headers))
	}
	ws := c.wsDialer()
	ws.Proxy = http.ProxyFromEnvironment // as go-ethereum's default dialer, and the HTTP transport below
	ws.NetDialContext = c.watchDrops(ws.NetDialContext)
	opts = append(opts, gethrpc.WithWebsocketDialer(ws))
	if secret := c.opts.JWTSecret; secret != nil {
		opts = append(opts, gethrpc.WithHTTPAuth(func(h http.Header) error {
			tok, err := token(secret, time.Now())
			if err != nil {
				return err
			}
			h.Set("Authorization", "Bearer "+tok)
			return nil
		}))
	}
	return opts
}

// httpClient never follows redirects (a JSON-RPC endpoint does not redirect, and following one
// could carry the JWT elsewhere) and caps response bodies.
func (c *Client) httpClient() *http.Client {
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: c.opts.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     c.opts.TLS,
		TLSHandshakeTimeout: c.opts.Timeout,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{
		Transport: cappedTransport{next: transport, limit: MaxResponseBytes},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
