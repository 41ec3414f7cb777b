package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/execution"
)

// TestWarnObservations_ClockSkewSaidOnce (issue #18): a head in the future within --max-clock-skew
// is fresh, and stderr says its age was counted as 0; beyond it the verdict fails it for clock
// skew (the first line says so) and stderr says nothing that contradicts it.
func TestWarnObservations_ClockSkewSaidOnce(t *testing.T) {
	cfg := check.Config{MaxAge: 10 * time.Second, MaxClockSkew: 30 * time.Second}
	for _, tc := range []struct {
		name    string
		ahead   time.Duration
		cause   check.Cause
		warning bool
	}{
		{"within the skew", 20 * time.Second, "", true},
		{"beyond the skew", time.Hour, check.CauseClockSkew, false},
		{"a second", time.Second, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := check.Head{Number: 16}
			r := check.Judge(check.Health, cfg, []check.Endpoint{{Role: execution.L2, Observation: check.Observation{First: &h, Last: &h, Samples: 1, Ahead: tc.ahead}}}, nil)
			if got := r.Endpoint("l2").Cause; got != tc.cause {
				t.Fatalf("cause %q, want %q", got, tc.cause)
			}
			var stderr bytes.Buffer
			WarnObservations(&stderr, r)
			if got := stderr.String(); tc.warning != strings.Contains(got, "in the future: clock skew between this host and the node (age counted as 0)") || !tc.warning && got != "" {
				t.Errorf("stderr %q, want the age-counted-as-0 warning: %v", got, tc.warning)
			}
		})
	}
}
