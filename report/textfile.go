package report

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/fsx"
)

// lastSuccessName is the batch-job metric carried over from the previous file when a run fails.
const lastSuccessName = "headprobe_last_success_timestamp_seconds"

// TextfileSuffix ends the name of every file node_exporter's textfile collector reads.
const TextfileSuffix = ".prom"

// TextfileHeader is the first line of every textfile headprobe writes, a comment to Prometheus'
// text format: headprobe replaces a file that starts with it, whatever its size, and leaves any
// other as it is.
const TextfileHeader = "# headprobe textfile: replaced on every run; a file not starting with this line is never replaced\n"

// earlierHeader starts a textfile written before TextfileHeader was: its first series' help.
const earlierHeader = "# HELP headprobe_"

// IsTextfileName is true when node_exporter's textfile collector reads a file of that name.
func IsTextfileName(path string) bool { return strings.HasSuffix(path, TextfileSuffix) }

// WriteTextfile writes the result as Prometheus metrics for node_exporter's textfile collector,
// atomically (a temporary file in the same directory, then a rename), mode 0644, after
// TextfileHeader. It replaces only a textfile of its own (ownTextfile), whatever its size:
// anything else at path is left as it is, with a *fsx.Refused. A run is a success when it is
// healthy; otherwise the previous file's last-success time is carried over.
func WriteTextfile(path string, r check.Result) error { return WriteSeries(path, Series{Result: r}) }

// TargetLabel is the label naming a fleet's target on each of its series.
const TargetLabel = "target"

// Series is one target's result with the constant labels its series carry: the target's name under
// TargetLabel and the targets file's labels; none for a run without a targets file.
type Series struct {
	Labels map[string]string
	Result check.Result
}

// WriteSeries writes the results of one run, one per target, in one textfile, as WriteTextfile
// does; each target's last-success time is carried over from the previous file's series of the
// same TargetLabel. The label names must be valid and not be "endpoint".
func WriteSeries(path string, runs ...Series) error {
	if !IsTextfileName(path) {
		return fmt.Errorf("%s does not end in %s, so node_exporter would not read it", path, TextfileSuffix)
	}
	previous := previousValues(path, lastSuccessName)
	var gatherers prometheus.Gatherers
	for _, s := range runs {
		reg, err := registry(s.Result, previous[s.Labels[TargetLabel]], s.Labels)
		if err != nil {
			return err
		}
		gatherers = append(gatherers, reg)
	}
	data, err := exposition(gatherers)
	if err != nil {
		return err
	}
	return fsx.WriteAtomic(path, append([]byte(TextfileHeader), data...), 0o644, ownTextfile)
}

// renderTextfile is the text exposition of Metrics(r, lastSuccess), through expfmt.
func renderTextfile(r check.Result, lastSuccess float64) ([]byte, error) {
	reg, err := registry(r, lastSuccess, nil)
	if err != nil {
		return nil, err
	}
	return exposition(reg)
}

// exposition is the text format of what g gathers.
func exposition(g prometheus.Gatherer) ([]byte, error) {
	families, err := g.Gather()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, mf := range families {
		if _, err := expfmt.MetricFamilyToText(&out, mf); err != nil {
			return nil, err
		}
	}
	return out.Bytes(), nil
}

// Metrics is a client_golang registry holding the verdict's series: those of the textfile, and of
// `headprobe serve`'s /metrics for its latest verdict. lastSuccess is when the last healthy run
// started (0: none), kept unless r is healthy; a zero r.Start (no run yet) has no last-run time.
// The error is a part's series that do not fit together (a name given twice with other labels).
func Metrics(r check.Result, lastSuccess float64) (*prometheus.Registry, error) {
	return registry(r, lastSuccess, nil)
}

// LabelledMetrics is Metrics with the constant labels on every series (they must pass ValidLabel).
func LabelledMetrics(r check.Result, lastSuccess float64, labels map[string]string) (*prometheus.Registry, error) {
	return registry(r, lastSuccess, labels)
}

// ValidLabel is nil when name may label a target's series: a Prometheus label name (letters,
// digits and underscores, not first a digit), not reserved (__…) and not "endpoint", which the
// per-endpoint series use.
func ValidLabel(name string) error {
	switch {
	case !model.LegacyValidation.IsValidLabelName(name):
		return fmt.Errorf("%q is not a Prometheus label name (letters, digits and _, not starting with a digit)", name)
	case strings.HasPrefix(name, "__"):
		return fmt.Errorf("label %q: names starting with __ are reserved", name)
	case name == endpointLabel:
		return fmt.Errorf("label %q is headprobe's own, on each endpoint's series", name)
	}
	return nil
}

// endpointLabel is the label naming the endpoint (its role) of a per-endpoint series.
const endpointLabel = "endpoint"

// registry holds r's series, each with the constant labels.
func registry(r check.Result, lastSuccess float64, labels map[string]string) (*prometheus.Registry, error) {
	for name := range labels {
		if err := ValidLabel(name); err != nil {
			return nil, err
		}
	}
	reg := prometheus.NewRegistry()
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels})
		reg.MustRegister(g)
		return g
	}
	perEndpoint := func(name, help string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, []string{endpointLabel})
		reg.MustRegister(g)
		return g
	}
	gauge("headprobe_status", "Verdict of the last run: 0 healthy, 1 partial, 2 unavailable, 3 unknown.").Set(float64(r.State.ExitCode()))
	up := perEndpoint("headprobe_up", "1 when the endpoint answered with a well-formed head.")
	ok := perEndpoint("headprobe_endpoint_ok", "1 when the endpoint passed the command's criteria.")
	number := perEndpoint("headprobe_head_number", "Number of the endpoint's unsafe head.")
	age := perEndpoint("headprobe_head_age_seconds", "Age of the endpoint's unsafe head, in whole seconds.")
	progress := perEndpoint("headprobe_head_progress_blocks", "Blocks the head advanced within the observation window.")
	latency := perEndpoint("headprobe_request_duration_seconds", "Duration of the last request to the endpoint.")
	for _, e := range r.Endpoints {
		up.WithLabelValues(e.Role.Name).Set(bool01(e.Err == nil && e.Last != nil))
		ok.WithLabelValues(e.Role.Name).Set(bool01(e.OK))
		latency.WithLabelValues(e.Role.Name).Set(e.Latency.Seconds())
		if e.Last != nil {
			number.WithLabelValues(e.Role.Name).Set(float64(e.Last.Number))
			age.WithLabelValues(e.Role.Name).Set(e.Age.Seconds())
			progress.WithLabelValues(e.Role.Name).Set(float64(e.Progress))
		}
	}
	if err := detailSeries(reg, r, ok); err != nil {
		return nil, err
	}
	for _, l := range r.Lags() {
		if l.Known {
			gauge("headprobe_"+l.Of.Key()+"_lag_blocks",
				fmt.Sprintf("Blocks the %s's head is behind the %s's (negative: ahead).", l.Of.Title, l.Against.Title)).Set(float64(l.Blocks))
		}
	}
	if !r.Start.IsZero() {
		run := float64(r.Start.UnixNano()) / 1e9
		gauge("headprobe_last_run_timestamp_seconds", "When the last run started.").Set(run)
		if r.State == check.Healthy {
			lastSuccess = run
		}
	}
	if lastSuccess > 0 {
		gauge(lastSuccessName, "When the last healthy run started.").Set(lastSuccess)
	}
	return reg, nil
}

// ownTextfile tells, by its first bytes, a textfile headprobe may replace: one it wrote (starting
// with TextfileHeader, or with a headprobe_ series' help, written before the header was), or an
// empty one, made beforehand for its permissions.
func ownTextfile(prefix []byte) bool {
	return len(prefix) == 0 || bytes.HasPrefix(prefix, []byte(TextfileHeader)) || bytes.HasPrefix(prefix, []byte(earlierHeader))
}

// maxLine bounds a line of an earlier textfile that previousValues reads: a series' labels are
// a target's name (at most 128 bytes) and a few short labels.
const maxLine = 64 << 10

// previousValues reads a gauge from an earlier textfile of headprobe's, by the value of each
// series' TargetLabel ("" for none); empty when there is none. The file is as large as the fleet:
// it is read line by line, and only that gauge's lines are kept and parsed.
func previousValues(path, name string) map[string]float64 {
	values := map[string]float64{}
	f, err := fsx.OpenOwn(path)
	if err != nil {
		return values
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, fsx.PrefixSize)
	if prefix, _ := r.Peek(fsx.PrefixSize); !ownTextfile(prefix) {
		return values
	}
	var kept bytes.Buffer
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 0, fsx.PrefixSize), maxLine)
	for lines.Scan() {
		line := lines.Bytes()
		series, _ := bytes.CutPrefix(line, []byte("# TYPE "))
		if bytes.HasPrefix(series, []byte(name)) && len(series) > len(name) && (series[len(name)] == ' ' || series[len(name)] == '{') {
			kept.Write(line)
			kept.WriteByte('\n')
		}
	}
	if lines.Err() != nil {
		return values
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(&kept)
	if err != nil {
		return values
	}
	for _, m := range families[name].GetMetric() {
		if m.GetGauge() == nil {
			continue
		}
		target := ""
		for _, l := range m.GetLabel() {
			if l.GetName() == TargetLabel {
				target = l.GetValue()
			}
		}
		values[target] = m.GetGauge().GetValue()
	}
	return values
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
