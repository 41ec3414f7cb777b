package rollupboost

import (
	"context"
	"net/http"
	"net/url"

	"github.com/headprobe/headprobe/rpc"
)

// HealthzPath is rollup-boost's health probe on its RPC port (probe.rs).
const HealthzPath = "/healthz"

// HealthzURL is the address to GET: raw with /healthz appended when it has no path; any other
// path the user gave is kept. raw is an http or https URL.
func HealthzURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return raw
	}
	u.Path, u.RawPath = HealthzPath, ""
	return u.String()
}

// The answers of /healthz (probe.rs): 200 Healthy, 206 Partial Content (the builder is not
// building), 503 Service Unavailable (the L2 is not building). Any other status is a failure.
var healthzStatuses = []int{http.StatusOK, http.StatusPartialContent, http.StatusServiceUnavailable}

// FetchHealthz GETs /healthz; an answer other than 200, 206 or 503, and every transport failure,
// is an *rpc.Failure.
func FetchHealthz(ctx context.Context, g *rpc.Getter) (rpc.Answer, error) {
	return g.Get(ctx, healthzStatuses...)
}
