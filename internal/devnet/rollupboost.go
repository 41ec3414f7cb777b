package devnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/rpc"
)

// RollupBoost is a STAND-IN for rollup-boost's /healthz, labelled as such wherever it is shown:
// rollup-boost is Rust and cannot run here. It serves GET /healthz on 127.0.0.1 and answers by
// rollup-boost's rule (crates/rollup-boost/src/health.rs) applied to the devnet's nodes, asked
// on their JWT-authenticated Engine-API ports as rollup-boost asks them:
//  1. the L2's eth_getBlockByNumber("latest"): an error, or a block older than MaxUnsafeInterval
//     (strictly; a future timestamp is age 0) → 503 Service Unavailable, the builder not asked;
//  2. execution mode disabled → 200 OK;
//  3. the builder's, the same way: fresh → 200 OK; stale or an error → 206 Partial Content.
//
// Unlike rollup-boost, it applies the rule on every request rather than every
// health_check_interval, so it never lags.
type RollupBoost struct {
	// URL is the stand-in's address; /healthz is under it.
	URL string

	l2, builder *Node
	auth        rpc.HTTPAuth
	maxAge      time.Duration
	srv         *http.Server

	mu       sync.Mutex
	disabled bool
}

// RollupBoostOptions configure the stand-in.
type RollupBoostOptions struct {
	// MaxUnsafeInterval is rollup-boost's --max-unsafe-interval; 10 s when 0, as there.
	MaxUnsafeInterval time.Duration
}

// rollupBoostTimeout is rollup-boost's --l2-timeout and --builder-timeout default.
const rollupBoostTimeout = time.Second

// StartRollupBoost starts the stand-in in front of the net's L2 and builder.
func StartRollupBoost(n *Net, opts RollupBoostOptions) (*RollupBoost, error) {
	if len(n.Secret) != 32 {
		return nil, errors.New("devnet: rollup-boost stand-in: the net's secret is not 32 bytes")
	}
	if opts.MaxUnsafeInterval == 0 {
		opts.MaxUnsafeInterval = 10 * time.Second
	}
	ln, err := net.Listen("tcp", localhost+":0")
	if err != nil {
		return nil, fmt.Errorf("devnet: rollup-boost stand-in: %w", err)
	}
	rb := &RollupBoost{URL: "http://" + ln.Addr().String(), l2: n.L2, builder: n.Builder,
		auth: node.NewJWTAuth([32]byte(n.Secret)), maxAge: opts.MaxUnsafeInterval}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", rb.healthz)
	rb.srv = &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}
	go rb.srv.Serve(ln)
	return rb, nil
}

// SetBuilder makes the stand-in ask another builder (the walk's forked one).
func (rb *RollupBoost) SetBuilder(b *Node) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.builder = b
}

// SetDisabled sets the execution mode to disabled (true) or enabled (false).
func (rb *RollupBoost) SetDisabled(disabled bool) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.disabled = disabled
}

// Close stops the server.
func (rb *RollupBoost) Close() error { return rb.srv.Close() }

// healthz answers by rollup-boost's rule.
func (rb *RollupBoost) healthz(w http.ResponseWriter, r *http.Request) {
	rb.mu.Lock()
	builder, disabled := rb.builder, rb.disabled
	rb.mu.Unlock()
	status := http.StatusOK
	switch {
	case !rb.fresh(r.Context(), rb.l2):
		status = http.StatusServiceUnavailable
	case disabled:
	case !rb.fresh(r.Context(), builder):
		status = http.StatusPartialContent
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, map[int]string{200: "OK", 206: "Partial Content", 503: "Service Unavailable"}[status])
}

// fresh asks n's Engine-API port for its latest block within rollup-boost's timeout: false on an
// error, or when the block is older than MaxUnsafeInterval.
func (rb *RollupBoost) fresh(ctx context.Context, n *Node) bool {
	ctx, cancel := context.WithTimeout(ctx, rollupBoostTimeout)
	defer cancel()
	c, err := rpc.DialOptions(ctx, n.AuthURL(), rpc.WithHTTPAuth(rb.auth))
	if err != nil {
		return false
	}
	defer c.Close()
	var block struct {
		Timestamp hexutil.Uint64 `json:"timestamp"`
	}
	if err := c.CallContext(ctx, &block, "eth_getBlockByNumber", "latest", false); err != nil {
		return false
	}
	age := time.Since(time.Unix(int64(block.Timestamp), 0)).Truncate(time.Second)
	return age <= rb.maxAge
}
