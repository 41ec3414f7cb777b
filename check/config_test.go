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

func TestStateExitCodes(t *testing.T) {
	rows := []struct {
		s    State
		name string
		code int
	}{
		{Healthy, "healthy", 0},
		{Partial, "partial", 1},
		{Unavailable, "unavailable", 2},
		{Unknown, "unknown", 3},
	}
	for _, tc := range rows {
		if tc.s.String() != tc.name || tc.s.ExitCode() != tc.code {
			t.Errorf("State(%d) = %q exit %d, want %q exit %d", int(tc.s), tc.s, tc.s.ExitCode(), tc.name, tc.code)
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

// TestStates_OneTable: each state's exit code, Nagios word and HTTP status, rollup-boost's for the
// three verdicts; anything else is Unknown.
func TestStates_OneTable(t *testing.T) {
	for _, tc := range []struct {
		s      State
		exit   int
		nagios string
		http   int
	}{
		{Healthy, 0, "OK", 200}, {Partial, 1, "WARNING", 206}, {Unavailable, 2, "CRITICAL", 503},
		{Unknown, 3, "UNKNOWN", 503}, {State(-1), 3, "UNKNOWN", 503}, {State(9), 3, "UNKNOWN", 503},
	} {
		if tc.s.ExitCode() != tc.exit || tc.s.Nagios() != tc.nagios || tc.s.HTTPStatus() != tc.http {
			t.Errorf("State(%d): exit %d %s HTTP %d, want %d %s %d", int(tc.s), tc.s.ExitCode(), tc.s.Nagios(), tc.s.HTTPStatus(), tc.exit, tc.nagios, tc.http)
		}
	}
}
