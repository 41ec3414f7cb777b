package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/headprobe/headprobe/check"
)

// Nagios writes one line in the monitoring-plugins format:
// "HEADPROBE <STATE> - <reason> | 'l2_age'=1s;;10;0 'l2_head'=1234c ...".
// The word and the exit code come from the same table (check.State: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
func Nagios(w io.Writer, r check.Result) error {
	// '|' starts the performance data, so it must not appear in the text.
	line := fmt.Sprintf("HEADPROBE %s - %s", r.State.Nagios(), strings.ReplaceAll(r.Reason, "|", "/"))
	if perf := perfData(r); len(perf) > 0 {
		line += " | " + strings.Join(perf, " ")
	}
	_, err := io.WriteString(w, line+"\n")
	return err
}

// perfData lists each endpoint's age (critical at the max age), head, progress and latency, then
// each known lag under its endpoint's key ('builder_lag').
func perfData(r check.Result) []string {
	var out []string
	crit := ""
	if r.Config.MaxAge > 0 {
		crit = number(r.Config.MaxAge.Seconds())
	}
	for _, e := range r.Endpoints {
		if e.Last != nil {
			out = append(out,
				fmt.Sprintf("'%s_age'=%ss;;%s;0", e.Role.Key(), number(e.Age.Seconds()), crit),
				fmt.Sprintf("'%s_head'=%dc", e.Role.Key(), e.Last.Number),
				fmt.Sprintf("'%s_progress'=%dc", e.Role.Key(), e.Progress))
		}
		if e.Samples > 0 {
			out = append(out, fmt.Sprintf("'%s_latency'=%ss;;;0", e.Role.Key(), number(e.Latency.Seconds())))
		}
	}
	for _, l := range r.Lags() {
		if l.Known {
			out = append(out, fmt.Sprintf("'%s_lag'=%d", l.Of.Key(), l.Blocks))
		}
	}
	return out
}

// number formats a float without scientific notation, as the plugin guidelines require.
func number(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
