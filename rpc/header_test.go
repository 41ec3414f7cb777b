package rpc

import (
	"strings"
	"testing"
)

// TestParseHeaders_RefusesWhatNetHTTPWouldRefuse: a value net/http would refuse when sending (a
// control byte) is refused here, before any I/O, naming the header and never showing the value.
func TestParseHeaders_RefusesWhatNetHTTPWouldRefuse(t *testing.T) {
	for _, tc := range []struct {
		line, want string
	}{
		{"X-A: a\x01b", `the value of "X-A" contains a control character`},
		{"X-A: s3cretValue\x7f", `the value of "X-A" contains a control character`},
		{"X-A: a\x00b", `the value of "X-A" contains a control character`},
		{"X-A: a\nb", "line break"},
		{"X A: b", "is not a valid header name"},
		{"X-\x01: b", "is not a valid header name"},
		{"novalue", "without a colon"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			_, err := ParseHeaders([]string{tc.line})
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "a\x01b") {
				t.Errorf("error %q shows the value", err)
			}
		})
	}
	h, err := ParseHeaders([]string{"X-Api-Key:  k\tv  ", "Authorization: Bearer abc"})
	if err != nil || h.Get("X-Api-Key") != "k\tv" || h.Get("Authorization") != "Bearer abc" {
		t.Errorf("headers %v, error %v", h, err)
	}
}
