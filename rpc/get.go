package rpc

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// maxGetBody is how much of a plain HTTP answer's body a Getter reads: a health endpoint answers
// a few words (rollup-boost's "Partial Content"); the rest is left unread.
const maxGetBody = 4 << 10

// Getter fetches one plain HTTP URL (rollup-boost's /healthz) through the JSON-RPC client's
// transport: the same timeout, headers, TLS and refusal of redirects, its own body cap
// (maxGetBody, read; the rest is left unread), and the same failure classes. It keeps its connections across checks (watch) until Close.
type Getter struct {
	url     string
	opts    Options
	secrets []string
	client  *http.Client
}

// Answer is a plain HTTP answer: its status code and its body, scrubbed of secrets, on one line
// and clipped.
type Answer struct {
	Status int
	Body   string
}

// NewGetter returns a Getter for url (http or https, already validated); nothing is sent yet.
func NewGetter(url string, opts Options) *Getter {
	c := &Client{url: url, opts: opts}
	client := c.httpClient()
	// Get reads at most maxGetBody itself: a long declared body must not refuse the status (a
	// 206 with a 5 MiB Content-Length is still a 206, as the same body chunked is).
	client.Transport = client.Transport.(cappedTransport).next
	return &Getter{url: url, opts: opts, secrets: secretsOf(url, opts.Headers), client: client}
}

// Get sends GET within the timeout. An answer whose status is one of expected is returned; any
// other status, and every transport failure, is a scrubbed *Failure.
func (g *Getter) Get(run context.Context, expected ...int) (Answer, error) {
	code, status, body, err := g.send(run)
	if err != nil {
		return Answer{}, err
	}
	if slices.Contains(expected, code) {
		return Answer{Status: code, Body: echo(strings.TrimSpace(string(body)), maxEcho, g.secrets)}, nil
	}
	if code == http.StatusUnauthorized {
		return Answer{}, g.scrubbed(&Failure{Class: ClassUnauthorized, Msg: "unauthorized (HTTP 401): the endpoint wants credentials (give them with its --*-header flag)"})
	}
	return Answer{}, g.scrubbed(fromHTTPStatus(gethrpc.HTTPError{StatusCode: code, Status: status, Body: body}, g.secrets, ""))
}

// Fetch sends GET within the timeout and returns the status and the body as sent, up to
// maxGetBody, whatever the status: for a JSON answer the caller decodes (a peer sidecar's
// /conductor/healthz). Transport failures are a scrubbed *Failure.
func (g *Getter) Fetch(run context.Context) (int, []byte, error) {
	code, _, body, err := g.send(run)
	return code, body, err
}

// send is one GET within the timeout: the status code and line and up to maxGetBody of the body.
func (g *Getter) send(run context.Context) (int, string, []byte, error) {
	ctx, cancel := context.WithTimeout(run, g.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.url, nil)
	if err != nil {
		return 0, "", nil, &Failure{Class: ClassConnection, Msg: "cannot make the request: " + echo(stripURL(err).Error(), maxEcho, g.secrets)}
	}
	for name, values := range g.opts.Headers {
		req.Header[name] = slices.Clone(values)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, "", nil, runDeadline(run, g.fail(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxGetBody))
	if err != nil {
		return 0, "", nil, runDeadline(run, g.fail(err))
	}
	return resp.StatusCode, resp.Status, body, nil
}

// fail classifies a transport error as the JSON-RPC client does.
func (g *Getter) fail(err error) *Failure {
	return g.scrubbed(classify(err, g.opts.Timeout, g.secrets, ""))
}

// scrubbed replaces the secrets in a failure's text.
func (g *Getter) scrubbed(f *Failure) *Failure {
	return &Failure{Class: f.Class, Msg: scrubText(f.Msg, g.secrets)}
}

// Close releases the idle connections.
func (g *Getter) Close() error {
	g.client.CloseIdleConnections()
	return nil
}

// CloseIdleConnections lets a Getter's Close reach the transport under the body cap.
func (t cappedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
