package rollupboost

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Detail is what the renderers show of rollup-boost: its /healthz answer, its execution mode and
// whether it agrees with headprobe's own verdict.
type Detail struct {
	// URL and DebugURL are the redacted addresses asked; "" when not given.
	URL, DebugURL string
	// Status is /healthz's answer (200, 206 or 503); 0 when it gave none of them.
	Status int
	// Err is why /healthz gave no answer; ModeErr why the execution mode is unknown.
	Err, ModeErr error
	// Mode is the execution mode; "" when not asked or unknown.
	Mode Mode
	// Agrees says whether /healthz agrees with headprobe's verdict on the L2 and the builder; nil
	// when they were not compared.
	Agrees *bool
}

// Doc is the JSON object's further fields under "rollup_boost".
type Doc struct {
	URL             string `json:"url,omitempty"`
	HealthzStatus   *int   `json:"healthz_status"`
	ErrorClass      string `json:"error_class,omitempty"`
	DebugURL        string `json:"debug_url,omitempty"`
	ExecutionMode   string `json:"execution_mode,omitempty"`
	DebugErrorClass string `json:"debug_error_class,omitempty"`
	Agrees          *bool  `json:"agrees,omitempty"`
}

// Line is the text report's detail: "/healthz 206 Partial Content  execution mode enabled  http://…".
func (d *Detail) Line() string {
	var parts []string
	switch {
	case d.URL == "":
	case d.Status != 0:
		parts = append(parts, fmt.Sprintf("/healthz %d %s", d.Status, http.StatusText(d.Status)))
	default:
		parts = append(parts, "/healthz no answer")
	}
	switch {
	case d.Mode != "":
		parts = append(parts, "execution mode "+string(d.Mode))
	case d.DebugURL != "":
		parts = append(parts, "execution mode unknown")
	}
	if d.Agrees != nil && !*d.Agrees {
		parts = append(parts, "disagrees with headprobe")
	}
	for _, u := range []string{d.URL, d.DebugURL} {
		if u != "" {
			parts = append(parts, u)
		}
	}
	return strings.Join(parts, "  ")
}

// Doc is the JSON fields: see Doc.
func (d *Detail) Doc() any {
	doc := Doc{URL: d.URL, DebugURL: d.DebugURL, ExecutionMode: string(d.Mode), Agrees: d.Agrees,
		ErrorClass: class(d.Err), DebugErrorClass: class(d.ModeErr)}
	if d.Status != 0 {
		status := d.Status
		doc.HealthzStatus = &status
	}
	return doc
}

// Series are the gauges: /healthz's status code, the execution mode and the agreement.
func (d *Detail) Series() []check.Series {
	var out []check.Series
	if d.URL != "" {
		out = append(out, check.Series{Name: "headprobe_rollup_boost_healthz_status_code",
			Help: "HTTP status of rollup-boost's /healthz: 200 healthy, 206 partial, 503 unavailable; 0 without one of them.", Value: float64(d.Status)})
	}
	if d.Mode != "" {
		for _, m := range []Mode{Enabled, DryRun, Disabled} {
			v := 0.0
			if m == d.Mode {
				v = 1
			}
			out = append(out, check.Series{Name: "headprobe_rollup_boost_execution_mode",
				Help: "1 for rollup-boost's execution mode (debug_getExecutionMode), 0 for the others.", Labels: map[string]string{"mode": string(m)}, Value: v})
		}
	}
	if d.Agrees != nil {
		v := 0.0
		if *d.Agrees {
			v = 1
		}
		out = append(out, check.Series{Name: "headprobe_rollup_boost_agrees",
			Help: "1 when rollup-boost's /healthz agrees with headprobe's verdict on the L2 and the builder.", Value: v})
	}
	return out
}

// class is a failure's class for JSON, or "".
func class(err error) string {
	var f *rpc.Failure
	if errors.As(err, &f) {
		return string(f.Class)
	}
	return ""
}

// BuilderWaived is why no builder work is expected: rollup-boost's execution mode is disabled;
// "" otherwise (check.BuilderWaiver).
func (d *Detail) BuilderWaived() string {
	if d.ModeErr == nil && d.Mode == Disabled {
		return Waived
	}
	return ""
}
