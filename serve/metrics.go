package serve

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
)

// BuildInfo is what headprobe_build_info labels: the module version, VCS revision and Go version.
type BuildInfo struct {
	Version, Revision, GoVersion string
}

// checkBuckets are the bounds of headprobe_check_duration_seconds: from a loopback answer (a
// millisecond) to a long observation window.
var checkBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// metrics are serve's own series, about its checks; the verdict's come from report.Metrics at
// each scrape.
type metrics struct {
	reg       *prometheus.Registry
	checks    *prometheus.CounterVec
	changes   prometheus.Counter
	duration  prometheus.Histogram
	lastCheck prometheus.Gauge
}

// newMetrics registers serve's series; withRuntime adds the process's and the Go runtime's.
func newMetrics(build BuildInfo) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.checks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "headprobe_checks_total", Help: "Health checks finished, by verdict.",
	}, []string{"status"})
	for _, s := range []check.State{check.Healthy, check.Partial, check.Unavailable, check.Unknown} {
		m.checks.WithLabelValues(s.String()) // every status from 0, so rate() sees the first one
	}
	m.changes = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "headprobe_state_changes_total", Help: "Changes of the health verdict since start (the first verdict is none).",
	})
	m.duration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "headprobe_check_duration_seconds", Help: "Duration of the health checks.", Buckets: checkBuckets,
	})
	m.lastCheck = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "headprobe_last_check_timestamp_seconds", Help: "When the latest health check finished (0: none yet).",
	})
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "headprobe_build_info", Help: "1, labelled with headprobe's version, VCS revision and Go version.",
		ConstLabels: prometheus.Labels{"version": build.Version, "revision": build.Revision, "goversion": build.GoVersion},
	})
	info.Set(1)
	m.reg.MustRegister(m.checks, m.changes, m.duration, m.lastCheck, info)
	return m
}

// observe counts a finished health check.
func (m *metrics) observe(r check.Result, finished time.Time, changed, first bool) {
	m.checks.WithLabelValues(r.State.String()).Inc()
	if changed && !first {
		m.changes.Inc()
	}
	m.duration.Observe(r.Duration.Seconds())
	m.lastCheck.Set(float64(finished.UnixNano()) / 1e9)
}

// gatherer is what /metrics serves: the latest health verdict's series, as the textfile holds
// them (an Unknown verdict when none is fresh), and serve's own.
func (s *Server) gatherer() prometheus.Gatherer {
	verdict := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		r, lastSuccess, _ := s.verdicts.current(check.Health, s.clock.Now(), s.limit)
		var success float64
		if !lastSuccess.IsZero() {
			success = float64(lastSuccess.UnixNano()) / 1e9
		}
		reg, err := report.Metrics(r, success)
		if err != nil {
			return nil, err
		}
		return reg.Gather()
	})
	return prometheus.Gatherers{verdict, withRuntime(s.metrics.reg)}
}

// withRuntime is g and the process's and Go runtime's series: those of client_golang's default
// registry, which registers its process and Go collectors when the package is initialised (the
// collectors package would build the same two again, and cost every one-shot probe its init).
func withRuntime(g prometheus.Gatherer) prometheus.Gatherer {
	return prometheus.Gatherers{g, prometheus.DefaultGatherer}
}
