package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
)

// TargetProbe runs a fresh one-shot check of one target in mode, ending by ctx's deadline.
type TargetProbe func(ctx context.Context, mode check.Mode) check.Result

// Target is one target a Fleet probes on request.
type Target struct {
	// Probe checks the target.
	Probe TargetProbe
	// Bound is the check's own run bound (interval + timeout + margin); a request's deadline is
	// the shorter of it and the scraper's timeout.
	Bound time.Duration
	// Labels are the targets file's labels, on each of the target's headprobe_* series.
	Labels map[string]string
}

// Targets are a fleet's targets by name.
type Targets map[string]Target

// FleetOptions configure a Fleet.
type FleetOptions struct {
	// MaxConcurrent is how many checks may run at once; a request beyond that is answered 503 at once.
	MaxConcurrent int
	// Load reads the targets anew (the targets file), for a reload; the returned close releases
	// them once no check uses them.
	Load func() (Targets, func(), error)
	// Warn reports a reload that failed (the previous targets are kept).
	Warn func(msg string)
	// Build labels headprobe_build_info.
	Build BuildInfo
	// EnableReload lets POST /-/reload read the targets anew (serve's --enable-reload, as
	// Prometheus' --web.enable-lifecycle); without it the request is 403. Reload is not affected.
	EnableReload bool
	// Conductor is what /conductor/healthz?target=NAME feeds op-conductor.
	Conductor ConductorFeed
}

// ScrapeTimeoutHeader is the header in which Prometheus sends its scrape timeout, in seconds.
const ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// scrapeMargin is kept of the scraper's timeout to render and send the answer.
const scrapeMargin = 50 * time.Millisecond

// Fleet answers for many targets, each checked afresh on request, in the blackbox_exporter's
// convention: GET /probe?target=NAME[&mode=health|ready|live] answers the target's headprobe_*
// series with probe_success and probe_duration_seconds; /healthz, /readyz and /livez with
// ?target=NAME its HTTP status. The targets are replaced whole by Reload.
type Fleet struct {
	clock   check.Clock
	opts    FleetOptions
	current atomic.Pointer[loaded]
	slots   chan struct{}
	reload  sync.Mutex // one reload at a time
	metrics *fleetMetrics
}

// loaded is one generation of targets; close runs once its last check ended after a reload.
type loaded struct {
	targets Targets
	// inUse is held shared by each check of these targets, and exclusively to release them.
	inUse  sync.RWMutex
	closed bool
	close  func()
}

// use is the current targets, held for a check until done is called.
func (f *Fleet) use() (l *loaded, done func()) {
	for {
		l = f.current.Load()
		l.inUse.RLock()
		if !l.closed {
			return l, l.inUse.RUnlock
		}
		l.inUse.RUnlock() // released by a reload since it was loaded: take the new ones
	}
}

// release closes l's targets once no check uses them.
func (l *loaded) release() {
	l.inUse.Lock()
	defer l.inUse.Unlock()
	if !l.closed {
		l.closed = true
		if l.close != nil {
			l.close()
		}
	}
}

// NewFleet is a Fleet of targets; close releases them (nil: nothing to release).
func NewFleet(clock check.Clock, targets Targets, close func(), opts FleetOptions) *Fleet {
	f := &Fleet{clock: clock, opts: opts, slots: make(chan struct{}, max(1, opts.MaxConcurrent)), metrics: newFleetMetrics(opts.Build)}
	f.current.Store(&loaded{targets: targets, close: close})
	f.metrics.targets.Set(float64(len(targets)))
	f.metrics.reloadOK.Set(1)
	return f
}

// Reload reads the targets anew with FleetOptions.Load; on an error the current ones are kept,
// the error is warned about and returned. The old targets are released once their checks end.
func (f *Fleet) Reload() error {
	f.reload.Lock()
	defer f.reload.Unlock()
	targets, close, err := f.opts.Load()
	if err != nil {
		f.metrics.reloadOK.Set(0)
		if f.opts.Warn != nil {
			f.opts.Warn(fmt.Sprintf("reload failed, the previous %d targets are kept: %v", len(f.current.Load().targets), err))
		}
		return err
	}
	old := f.current.Swap(&loaded{targets: targets, close: close})
	f.metrics.targets.Set(float64(len(targets)))
	f.metrics.reloadOK.Set(1)
	f.metrics.reloads.Inc()
	go old.release()
	return nil
}

// Close releases the current targets, once their checks ended.
func (f *Fleet) Close() { f.current.Load().release() }

// Handler answers /probe, /healthz, /readyz, /livez, /conductor/healthz (each with ?target=), POST /-/reload,
// /-/healthy and /metrics (the fleet's own series).
func (f *Fleet) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/probe", once(http.HandlerFunc(f.probe)))
	mux.Handle("/healthz", once(f.verdict(check.Health)))
	mux.Handle("/readyz", once(f.verdict(check.Ready)))
	mux.Handle("/livez", once(f.verdict(check.Live)))
	mux.Handle(ConductorPath, once(http.HandlerFunc(f.conductor)))
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		plain(w, http.StatusOK, "headprobe is healthy: it answers probes")
	})
	mux.Handle("/metrics", promhttp.HandlerFor(withRuntime(f.metrics.reg), promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	guarded := guard(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/-/reload" {
			f.reloadHandler(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// reloadHandler is POST (or PUT) /-/reload, Prometheus' convention: 200 when the file was read
// anew, 500 with the reason when it was not (the previous targets are kept).
func (f *Fleet) reloadHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if refuseLargeHead(w, r) {
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		plain(w, http.StatusMethodNotAllowed, "method not allowed: POST or PUT only")
		return
	}
	if !f.opts.EnableReload {
		plain(w, http.StatusForbidden, "reload over HTTP is off: start serve with --enable-reload (HEADPROBE_ENABLE_RELOAD), or send it SIGHUP")
		return
	}
	if err := f.Reload(); err != nil {
		plain(w, http.StatusInternalServerError, "reload failed, the previous targets are kept: "+err.Error())
		return
	}
	plain(w, http.StatusOK, fmt.Sprintf("reloaded: %d targets", len(f.current.Load().targets)))
}

// check runs a fresh check of the request's target in mode, within a slot and the request's
// deadline. ok is false when it has answered the request itself: a bad request (400), an unknown
// target (404) or no slot free (503).
func (f *Fleet) check(w http.ResponseWriter, r *http.Request, mode check.Mode) (name string, t Target, res check.Result, ok bool) {
	name = r.URL.Query().Get("target")
	if name == "" {
		plain(w, http.StatusBadRequest, "target parameter missing: ?target=NAME, a name of the targets file")
		return name, t, res, false
	}
	l, done := f.use()
	defer done()
	t, found := l.targets[name]
	if !found {
		plain(w, http.StatusNotFound, fmt.Sprintf("unknown target %q", name))
		return name, t, res, false
	}
	select {
	case f.slots <- struct{}{}:
		defer func() { <-f.slots }()
	default:
		f.metrics.rejected.Inc()
		w.Header().Set("Retry-After", "1")
		plain(w, http.StatusServiceUnavailable, fmt.Sprintf("too many checks at once: at most %d (--max-concurrent-probes)", cap(f.slots)))
		return name, t, res, false
	}
	bound := t.Bound
	if s, err := strconv.ParseFloat(r.Header.Get(ScrapeTimeoutHeader), 64); err == nil && s > 0 && !math.IsInf(s, 0) {
		scrape := time.Duration(s * float64(time.Second))
		bound = min(bound, max(scrape-scrapeMargin, scrape/2))
	}
	// The server's write timeout runs from the request's headers: a check longer than it would
	// be cut to an empty reply. Its answer may be written until the bound, then writeTimeout.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(bound + writeTimeout)) // unsupported: no deadline to move
	ctx, cancel := context.WithTimeout(r.Context(), bound)
	defer cancel()
	res = t.Probe(ctx, mode)
	f.metrics.probes.WithLabelValues(res.State.String()).Inc()
	return name, t, res, true
}

// probe is GET /probe?target=NAME[&mode=]: the target's series, as the textfile holds them, with
// the file's labels, and blackbox_exporter's probe_success (1 when healthy) and
// probe_duration_seconds. A check that failed is still a 200: its series say how.
func (f *Fleet) probe(w http.ResponseWriter, r *http.Request) {
	mode, ok := parseMode(r.URL.Query().Get("mode"))
	if !ok {
		plain(w, http.StatusBadRequest, "mode must be health, ready or live")
		return
	}
	start := f.clock.Now()
	_, t, res, ok := f.check(w, r, mode)
	if !ok {
		return
	}
	reg, err := report.LabelledMetrics(res, 0, t.Labels)
	if err != nil {
		plain(w, http.StatusInternalServerError, "internal error: "+err.Error())
		return
	}
	probe := prometheus.NewRegistry()
	success := prometheus.NewGauge(prometheus.GaugeOpts{Name: "probe_success", Help: "1 when the target's verdict is healthy."})
	duration := prometheus.NewGauge(prometheus.GaugeOpts{Name: "probe_duration_seconds", Help: "How long the target's check took."})
	probe.MustRegister(success, duration)
	if res.State == check.Healthy {
		success.Set(1)
	}
	duration.Set(f.clock.Now().Sub(start).Seconds())
	promhttp.HandlerFor(prometheus.Gatherers{reg, probe}, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, r)
}

// verdict is /healthz, /readyz or /livez with ?target=NAME: the HTTP status of a fresh check of
// the target (200, 206 or 503) with its first line, or, as serve's own verdicts (wantsJSON), its
// JSON document with its target and labels, as `--targets -o json` prints it.
func (f *Fleet) verdict(mode check.Mode) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asJSON, ok := wantsJSON(r)
		if !ok {
			plain(w, http.StatusBadRequest, "format must be text or json")
			return
		}
		name, t, res, ok := f.check(w, r, mode)
		if !ok {
			return
		}
		if !asJSON {
			plain(w, res.State.HTTPStatus(), report.Headline(res))
			return
		}
		doc := report.Document(res)
		doc.Target, doc.Labels = name, t.Labels
		body, err := json.Marshal(doc)
		if err != nil {
			plain(w, http.StatusInternalServerError, "internal error: "+err.Error())
			return
		}
		write(w, res.State.HTTPStatus(), "application/json", append(body, '\n'))
	})
}

// once refuses with 400 a request that gives a query parameter more than once
// (?target=a&target=b): which one was meant is not known, so none is taken.
func once(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, values := range r.URL.Query() {
			if len(values) > 1 {
				plain(w, http.StatusBadRequest, fmt.Sprintf("parameter %q given twice: give it once", name))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseMode reads the mode parameter; "" is health.
func parseMode(s string) (check.Mode, bool) {
	switch s {
	case "", "health":
		return check.Health, true
	case "ready":
		return check.Ready, true
	case "live":
		return check.Live, true
	}
	return check.Health, false
}

// fleetMetrics are a Fleet's own series, on /metrics.
type fleetMetrics struct {
	reg      *prometheus.Registry
	probes   *prometheus.CounterVec
	rejected prometheus.Counter
	reloads  prometheus.Counter
	reloadOK prometheus.Gauge
	targets  prometheus.Gauge
}

// newFleetMetrics registers the fleet's series; withRuntime adds the process's and the Go runtime's.
func newFleetMetrics(build BuildInfo) *fleetMetrics {
	m := &fleetMetrics{reg: prometheus.NewRegistry()}
	m.probes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "headprobe_probes_total", Help: "Checks of targets finished, by verdict."}, []string{"status"})
	for _, s := range []check.State{check.Healthy, check.Partial, check.Unavailable, check.Unknown} {
		m.probes.WithLabelValues(s.String())
	}
	m.rejected = prometheus.NewCounter(prometheus.CounterOpts{Name: "headprobe_probes_rejected_total", Help: "Requests answered 503 because --max-concurrent-probes checks were running."})
	m.reloads = prometheus.NewCounter(prometheus.CounterOpts{Name: "headprobe_reloads_total", Help: "Successful reloads of the targets file."})
	m.reloadOK = prometheus.NewGauge(prometheus.GaugeOpts{Name: "headprobe_config_last_reload_successful", Help: "1 when the last reload of the targets file succeeded."})
	m.targets = prometheus.NewGauge(prometheus.GaugeOpts{Name: "headprobe_targets", Help: "Targets in the targets file."})
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "headprobe_build_info", Help: "1, labelled with headprobe's version, VCS revision and Go version.",
		ConstLabels: prometheus.Labels{"version": build.Version, "revision": build.Revision, "goversion": build.GoVersion},
	})
	info.Set(1)
	m.reg.MustRegister(m.probes, m.rejected, m.reloads, m.reloadOK, m.targets, info)
	return m
}
