package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// op-conductor's internal health statuses (v1.19.6, op-conductor/client/rollupboost.go:19-21).
const (
	ConductorHealthy   = "healthy"
	ConductorPartial   = "partial"
	ConductorUnhealthy = "unhealthy"
)

// OpConductorReads is how op-conductor v1.19.6 reads an answer of its
// --rollup-boost.next-healthcheck-url, written here from op-conductor/client/rollupboost_next.go
// (lines 43-76; the monorepo is not imported): any status but 200 is an error (line 55); the body,
// read through a 1 MiB limit, is decoded by one encoding/json Decoder.Decode into
// {version, rollup_boost_health} (lines 25-28, 61), unknown keys ignored and keys matched without
// regard to case, as encoding/json does; rollup_boost_health must be "Healthy", "PartialContent" or
// "ServiceUnavailable" (lines 12-16, 66-75), else an error. It returns op-conductor's own status;
// an error is what its health monitor counts as ErrRollupBoostConnectionDown
// (op-conductor/health/monitor.go:281-285).
func OpConductorReads(code int, body io.Reader) (string, error) {
	if code != http.StatusOK {
		return "", fmt.Errorf("unexpected status code: %d", code)
	}
	var payload struct {
		Version           string `json:"version"`
		RollupBoostHealth string `json:"rollup_boost_health"`
	}
	if err := json.NewDecoder(io.LimitReader(body, 1<<20)).Decode(&payload); err != nil {
		return "", fmt.Errorf("failed to decode response: %w", err)
	}
	switch payload.RollupBoostHealth {
	case "Healthy":
		return ConductorHealthy, nil
	case "PartialContent":
		return ConductorPartial, nil
	case "ServiceUnavailable":
		return ConductorUnhealthy, nil
	}
	return "", fmt.Errorf("unexpected rollup_boost_health: %q", payload.RollupBoostHealth)
}

// OpConductorHealthcheck GETs url as op-conductor v1.19.6 does (a plain GET with its
// --rollup-boost.healthcheck-timeout on the client, 5 s by default; conductor/service.go:222-225)
// and reads the answer with OpConductorReads.
func OpConductorHealthcheck(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return OpConductorReads(resp.StatusCode, resp.Body)
}
