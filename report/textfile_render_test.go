package report

import (
	"testing"

	"github.com/headprobe/headprobe/check"
)

// textfileGolden is the exposition of partialResult() with a carried last-success time: the
// names, labels, HELP, TYPE and values that node_exporter and the README's table promise.
const textfileGolden = `# HELP headprobe_builder_lag_blocks Blocks the builder's head is behind the L2's (negative: ahead).
# TYPE headprobe_builder_lag_blocks gauge
headprobe_builder_lag_blocks 6
# HELP headprobe_endpoint_ok 1 when the endpoint passed the command's criteria.
# TYPE headprobe_endpoint_ok gauge
headprobe_endpoint_ok{endpoint="builder"} 0
headprobe_endpoint_ok{endpoint="l2"} 1
# HELP headprobe_head_age_seconds Age of the endpoint's unsafe head, in whole seconds.
# TYPE headprobe_head_age_seconds gauge
headprobe_head_age_seconds{endpoint="builder"} 37
headprobe_head_age_seconds{endpoint="l2"} 1
# HELP headprobe_head_number Number of the endpoint's unsafe head.
# TYPE headprobe_head_number gauge
headprobe_head_number{endpoint="builder"} 1234
headprobe_head_number{endpoint="l2"} 1240
# HELP headprobe_head_progress_blocks Blocks the head advanced within the observation window.
# TYPE headprobe_head_progress_blocks gauge
headprobe_head_progress_blocks{endpoint="builder"} 0
headprobe_head_progress_blocks{endpoint="l2"} 0
# HELP headprobe_last_run_timestamp_seconds When the last run started.
# TYPE headprobe_last_run_timestamp_seconds gauge
headprobe_last_run_timestamp_seconds 1.8000000005e+09
# HELP headprobe_last_success_timestamp_seconds When the last healthy run started.
# TYPE headprobe_last_success_timestamp_seconds gauge
headprobe_last_success_timestamp_seconds 1.7999e+09
# HELP headprobe_request_duration_seconds Duration of the last request to the endpoint.
# TYPE headprobe_request_duration_seconds gauge
headprobe_request_duration_seconds{endpoint="builder"} 0.002
headprobe_request_duration_seconds{endpoint="l2"} 0.0015
# HELP headprobe_status Verdict of the last run: 0 healthy, 1 partial, 2 unavailable, 3 unknown.
# TYPE headprobe_status gauge
headprobe_status 1
# HELP headprobe_up 1 when the endpoint answered with a well-formed head.
# TYPE headprobe_up gauge
headprobe_up{endpoint="builder"} 1
headprobe_up{endpoint="l2"} 1
`

// renderTextfile is pure: the bytes depend on the result and the carried time alone, and are
// exactly the exposition the file has always held.
func TestRenderTextfile_Golden(t *testing.T) {
	got, err := renderTextfile(partialResult(), 1_799_900_000)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != textfileGolden {
		t.Errorf("exposition changed:\n%s\nwant:\n%s", got, textfileGolden)
	}
}

// A healthy run replaces the carried last-success time with its own start; no previous success
// and no success now leaves the series out.
func TestRenderTextfile_LastSuccess(t *testing.T) {
	healthy := partialResult()
	healthy = check.Judge(healthy.Mode, healthy.Config, healthy.Endpoints[:1], healthy.Relations)
	healthy.Start = partialResult().Start
	cases := []struct {
		name    string
		r       check.Result
		carried float64
		want    float64 // 0: absent
	}{
		{"healthy replaces", healthy, 1_799_900_000, 1_800_000_000.5},
		{"partial carries", partialResult(), 1_799_900_000, 1_799_900_000},
		{"partial, none before", partialResult(), 0, 0},
	}
	for _, c := range cases {
		data, err := renderTextfile(c.r, c.carried)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseProm(t, data)[lastSuccessName]
		if c.want == 0 && ok || c.want != 0 && got != c.want {
			t.Errorf("%s: %s = %v (present %v), want %v", c.name, lastSuccessName, got, ok, c.want)
		}
	}
}
