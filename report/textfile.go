package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// lastSuccessName is the batch-job metric carried over from the previous file when a run fails.
const lastSuccessName = "headprobe_last_success_timestamp_seconds"

// WriteTextfile writes the result as Prometheus metrics for node_exporter's textfile collector,
// atomically (a temporary file in the same directory, then a rename). A run is a success when
// it is healthy; otherwise the previous file's last-success time is carried over.
func WriteTextfile(path string, r check.Result) error {
	if !strings.HasSuffix(path, ".prom") {
		return fmt.Errorf("%s does not end in .prom, so node_exporter would not read it", path)
	}
	data, err := renderTextfile(r, previousValue(path, lastSuccessName))
	if err != nil {
		return err
	}
	return replaceFile(path, data)
}

// renderTextfile is the text exposition of r, through client_golang's registry and expfmt.
// lastSuccess is the previous file's last-success time (0: none), kept unless r is healthy.
func renderTextfile(r check.Result, lastSuccess float64) ([]byte, error) {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		reg.MustRegister(g)
		return g
	}
	perEndpoint := func(name, help string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, []string{"endpoint"})
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
	for _, e := range r.Endpoints() {
		up.WithLabelValues(e.Name).Set(bool01(e.Err == nil && e.Last != nil))
		ok.WithLabelValues(e.Name).Set(bool01(e.OK))
		latency.WithLabelValues(e.Name).Set(e.Latency.Seconds())
		if e.Last != nil {
			number.WithLabelValues(e.Name).Set(float64(e.Last.Number))
			age.WithLabelValues(e.Name).Set(e.Age.Seconds())
			progress.WithLabelValues(e.Name).Set(float64(e.Progress))
		}
	}
	if lag, known := r.BuilderLag(); known {
		gauge("headprobe_builder_lag_blocks", "Blocks the builder's head is behind the L2's (negative: ahead).").Set(float64(lag))
	}
	run := float64(r.Start.UnixNano()) / 1e9
	gauge("headprobe_last_run_timestamp_seconds", "When the last run started.").Set(run)
	if r.State == check.Healthy {
		lastSuccess = run
	}
	if lastSuccess > 0 {
		gauge(lastSuccessName, "When the last healthy run started.").Set(lastSuccess)
	}
	families, err := reg.Gather()
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

// replaceFile writes data to a temporary file beside path, mode 0644, and renames it over path,
// as prometheus.WriteToTextfile does: a reader sees the old file or the new one, never a part.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// previousValue reads an unlabelled gauge from an earlier textfile; 0 when there is none.
func previousValue(path, name string) float64 {
	data, err := rpc.ReadRegular(path, 1<<20)
	if err != nil {
		return 0
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	mf := families[name]
	if mf == nil || len(mf.GetMetric()) == 0 || mf.GetMetric()[0].GetGauge() == nil {
		return 0
	}
	return mf.GetMetric()[0].GetGauge().GetValue()
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
