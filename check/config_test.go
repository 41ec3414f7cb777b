package check

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	rows := []struct {
		name string
		cfg  Config
		flag string // "" = valid
	}{
		{"ZeroValue_OneFreshnessFreeSample", Config{}, ""},
		{"Typical", Config{MaxAge: 10 * time.Second, Interval: 2 * time.Second, MinBlocks: 1, PollEvery: poll}, ""},
		{"MinBlocksZeroWithoutInterval_IsFine", Config{MaxAge: time.Second}, ""},
		{"NegativeMaxAge", Config{MaxAge: -time.Second}, "--max-unsafe-interval"},
		{"NegativeInterval", Config{Interval: -time.Second, MinBlocks: 1}, "--interval"},
		{"IntervalWithoutMinBlocks", Config{Interval: time.Second}, "--min-blocks"},
		{"NegativePollEvery", Config{Interval: time.Second, MinBlocks: 1, PollEvery: -poll}, "poll period"},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			switch {
			case tc.flag == "" && err != nil:
				t.Fatalf("Validate(%+v) = %v, want nil", tc.cfg, err)
			case tc.flag != "" && err == nil:
				t.Fatalf("Validate(%+v) = nil, want an error naming %s", tc.cfg, tc.flag)
			case tc.flag != "" && !strings.Contains(err.Error(), tc.flag):
				t.Fatalf("Validate(%+v) = %q, want it to name %s", tc.cfg, err, tc.flag)
			}
		})
	}
}

// TestStates_OneTable: each state's name, exit code, Nagios word and HTTP status (rollup-boost's
// for the three verdicts); any other value is Unknown.
func TestStates_OneTable(t *testing.T) {
	rows := []struct {
		s      State
		name   string
		code   int
		nagios string
		http   int
	}{
		{Healthy, "healthy", 0, "OK", 200},
		{Partial, "partial", 1, "WARNING", 206},
		{Unavailable, "unavailable", 2, "CRITICAL", 503},
		{Unknown, "unknown", 3, "UNKNOWN", 503},
		{State(-1), "unknown", 3, "UNKNOWN", 503},
		{State(9), "unknown", 3, "UNKNOWN", 503},
	}
	for _, tc := range rows {
		if tc.s.String() != tc.name || tc.s.ExitCode() != tc.code || tc.s.Nagios() != tc.nagios || tc.s.HTTPStatus() != tc.http {
			t.Errorf("State(%d) = %q exit %d %s HTTP %d, want %q exit %d %s HTTP %d", int(tc.s), tc.s, tc.s.ExitCode(), tc.s.Nagios(), tc.s.HTTPStatus(), tc.name, tc.code, tc.nagios, tc.http)
		}
	}
}

func TestModeNames(t *testing.T) {
	for m, want := range map[Mode]string{Health: "health", Ready: "ready", Live: "live", Mode(9): "health"} {
		if m.String() != want {
			t.Errorf("Mode(%d) = %q, want %q", int(m), m, want)
		}
	}
}
