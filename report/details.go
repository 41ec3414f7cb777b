package report

import (
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/headprobe/headprobe/check"
)

// detailSeries registers the series of the endpoints' details (op-node's sync status) and of the
// parts (rollup-boost, op-conductor, flashblocks), and each part's verdict on ok, the gauge
// headprobe_endpoint_ok, labelled by the part's name.
func detailSeries(reg *prometheus.Registry, r check.Result, ok *prometheus.GaugeVec) error {
	var series []check.Series
	for _, e := range r.Endpoints {
		if e.Last != nil && e.Last.Detail != nil {
			series = append(series, e.Last.Detail.Series()...)
		}
	}
	for _, f := range r.Parts {
		ok.WithLabelValues(f.Role.Name).Set(bool01(f.OK()))
		if f.Detail != nil {
			series = append(series, f.Detail.Series()...)
		}
	}
	vecs := map[string]*prometheus.GaugeVec{}
	for _, s := range series {
		names := make([]string, 0, len(s.Labels))
		for k := range s.Labels {
			names = append(names, k)
		}
		slices.Sort(names)
		vec := vecs[s.Name]
		if vec == nil {
			vec = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: s.Name, Help: s.Help}, names)
			if err := reg.Register(vec); err != nil {
				return fmt.Errorf("series %s: %w", s.Name, err)
			}
			vecs[s.Name] = vec
		}
		g, err := vec.GetMetricWith(s.Labels)
		if err != nil {
			return fmt.Errorf("series %s: %w", s.Name, err)
		}
		g.Set(s.Value)
	}
	return nil
}
