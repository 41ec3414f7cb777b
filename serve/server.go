package serve

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Probe runs one health check. It must bound its own run time (the run bound) and return soon
// after ctx ends.
type Probe func(ctx context.Context) check.Result

// Options configure a Server.
type Options struct {
	// Every is the period between the starts of two checks; a check that overruns it delays the next.
	Every time.Duration
	// Window and Timeout are the check's observation window (--interval) and per-request timeout,
	// which StaleAfter adds to the periods.
	Window, Timeout time.Duration
	// Build labels headprobe_build_info.
	Build BuildInfo
	// Conductor is what /conductor/healthz feeds op-conductor.
	Conductor ConductorFeed
	// OnChange, when set, is called on the loop's goroutine with the first health verdict and each
	// one whose state differs from the one before.
	OnChange func(r check.Result)
}

// Server keeps the verdicts of a check loop and answers for them over HTTP.
type Server struct {
	clock    check.Clock
	opts     Options
	limit    time.Duration
	verdicts verdicts
	metrics  *metrics
	running  atomic.Bool
}

// New is a Server reading clock, with no verdict yet.
func New(clock check.Clock, opts Options) *Server {
	return &Server{clock: clock, opts: opts, limit: StaleAfter(opts.Every, opts.Window, opts.Timeout), metrics: newMetrics(opts.Build)}
}

// Run checks at once and then on every tick of a clock ticker of period Every, one check at a
// time on the caller's goroutine, keeping each verdict, until ctx ends. A result that comes back
// after ctx ended (cut short) is dropped. /-/healthy answers 200 while Run runs.
func (s *Server) Run(ctx context.Context, probe Probe) {
	s.running.Store(true)
	defer s.running.Store(false)
	ticker := s.clock.NewTicker(s.opts.Every)
	defer ticker.Stop()
	for ctx.Err() == nil {
		r := probe(ctx)
		if ctx.Err() != nil {
			return
		}
		s.Record(r)
		select {
		case <-ctx.Done():
		case <-ticker.C():
		}
	}
}

// Record keeps a finished health check's verdict, and ready's and live's derived from it, as
// finished now.
func (s *Server) Record(r check.Result) {
	now := s.clock.Now()
	changed, first := s.verdicts.record(r, now)
	s.metrics.observe(r, now, changed, first)
	if changed && s.opts.OnChange != nil {
		s.opts.OnChange(r)
	}
}

// The HTTP server's bounds: a slow or idle client holds a connection only so long, and a request
// is small (serve's requests have no body; the guard refuses one).
const (
	readHeaderTimeout = 2 * time.Second
	readTimeout       = 5 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 8 << 10
	// drainTimeout is how long requests in flight may finish once ctx ends.
	drainTimeout = 500 * time.Millisecond
)

// writeTimeout bounds writing an answer; a fleet's /probe extends it by its check's bound (a
// variable so that a test can shorten it).
var writeTimeout = 10 * time.Second

// NewHTTPServer is an http.Server for h with serve's bounds; its own error log is discarded (a
// client's malformed request is the client's problem, and no request reaches the log).
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
}

// Serve answers with h on ln until ctx ends, then lets the requests in flight finish (for at most
// half a second), closes the idle connections and returns nil; or returns the error that stopped
// it. It closes ln.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := NewHTTPServer(h)
	failed := make(chan error, 1)
	go func() { failed <- srv.Serve(ln) }()
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	drain, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(drain); err != nil {
		srv.Close() // what is still in flight after the drain is cut
	}
	if err := <-failed; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
