package check

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// TestClockSkew_Table pins --max-clock-skew: a head stamped more than MaxClockSkew ahead of this
// host's clock fails its endpoint; within the bound (or with 0) it is age 0, as in rollup-boost.
func TestClockSkew_Table(t *testing.T) {
	const skew = 30 * time.Second
	future := func(n uint64, ahead time.Duration) step {
		return step{head: Head{Number: n, Hash: hash(n, 0), Timestamp: uint64(t0.Add(ahead).Unix())}}
	}
	rows := []struct {
		name    string
		cfg     Config
		l2      step
		builder *step
		state   State
		causes  []Cause
	}{
		{"OneHourAhead_L2_IsUnavailable", Config{MaxAge: maxAge, MaxClockSkew: skew}, future(16, time.Hour), nil,
			Unavailable, []Cause{CauseClockSkew}},
		{"OneHourAhead_Builder_IsPartial", Config{MaxAge: maxAge, MaxClockSkew: skew}, fresh(16), &[]step{future(16, time.Hour)}[0],
			Partial, []Cause{"", CauseClockSkew}},
		{"ExactlyTheSkew_IsFreshAgeZero", Config{MaxAge: maxAge, MaxClockSkew: skew}, future(16, skew), nil,
			Healthy, []Cause{""}},
		{"OneSecondOverTheSkew_Fails", Config{MaxAge: maxAge, MaxClockSkew: skew}, future(16, skew+time.Second), nil,
			Unavailable, []Cause{CauseClockSkew}},
		{"SkewZero_OneHourAhead_IsFreshAsInRollupBoost", Config{MaxAge: maxAge}, future(16, time.Hour), nil,
			Healthy, []Cause{""}},
		{"SkewZero_NoAgeCheck_StillFresh", Config{}, future(16, time.Hour), nil,
			Healthy, []Cause{""}},
		{"GarbageTimestamp_FailsWithTheExactDistance", Config{MaxAge: maxAge, MaxClockSkew: skew},
			step{head: Head{Number: 1, Timestamp: math.MaxUint64}}, nil,
			Unavailable, []Cause{CauseClockSkew}},
		{"WrongChainID_IsReportedBeforeTheSkew", Config{MaxAge: maxAge, MaxClockSkew: skew, ChainID: 10},
			step{head: Head{Number: 16, ChainID: 11, ChainIDKnown: true, Timestamp: uint64(t0.Add(time.Hour).Unix())}}, nil,
			Unavailable, []Cause{CauseWrongChain}},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			var b *Target
			if tc.builder != nil {
				b = &Target{Role: builderRole, Source: script(*tc.builder)}
			}
			r := run(context.Background(), newClock(), Health, tc.cfg, Target{Role: l2Role, Source: script(tc.l2)}, b)
			if r.State != tc.state {
				t.Errorf("%s %q, want %s", r.State, r.Reason, tc.state)
			}
			assertCauses(t, r, tc.causes)
			for _, e := range r.Endpoints {
				if e.Age != 0 && e.Ahead != 0 {
					t.Errorf("%s: age %s and ahead %s at once", e.Name(), e.Age, e.Ahead)
				}
			}
		})
	}
}

func TestConfig_NegativeClockSkewIsRefused(t *testing.T) {
	if err := (Config{MaxClockSkew: -time.Second}).Validate(); err == nil || !strings.Contains(err.Error(), "--max-clock-skew") {
		t.Errorf("Validate = %v, want --max-clock-skew refused", err)
	}
}

// TestAhead_ExactBeyondADuration: the distance of a garbage timestamp is exact in AheadSeconds
// and AheadText, while Ahead saturates instead of wrapping or being clamped to a made-up value.
func TestAhead_ExactBeyondADuration(t *testing.T) {
	for _, tc := range []struct {
		ts   uint64
		text string
	}{
		{math.MaxUint64, "18446744072009551615s"},
		{1 << 62, "4611686016727387904s"},
		{uint64(t0.Unix()) + 3600, "1h0m0s"},
		{uint64(t0.Unix()) + math.MaxInt64/uint64(time.Second), (math.MaxInt64 / time.Second * time.Second).String()},
	} {
		var o Observation
		o.record(Head{Number: 1, Timestamp: tc.ts}, t0, nil)
		want := tc.ts - uint64(t0.Unix())
		if o.AheadSeconds != want || o.AheadText() != tc.text || o.Age != 0 {
			t.Errorf("ts %d: ahead %ds %q age %s, want %ds %q age 0", tc.ts, o.AheadSeconds, o.AheadText(), o.Age, want, tc.text)
		}
		if o.Ahead <= 0 || (want <= math.MaxInt64/uint64(time.Second) && o.Ahead != time.Duration(want)*time.Second) {
			t.Errorf("ts %d: Ahead %s, want %ds or the largest Duration", tc.ts, o.Ahead, want)
		}
	}
}
