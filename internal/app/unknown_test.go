package app

import (
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// A check that panics is its own Unknown verdict, its reason the panic's value on one line.
func TestRecoverAsUnknown_OnePanickingCheck(t *testing.T) {
	cfg := check.Config{MaxAge: 10 * time.Second}
	panicking := func() (r check.Result) {
		defer RecoverAsUnknown(&r, check.Ready, cfg)
		panic("boom\nat line 2")
	}
	r := panicking()
	if r.State != check.Unknown || r.Mode != check.Ready || r.Config != cfg || r.Reason != "internal error: boom at line 2" {
		t.Errorf("%+v, want Unknown ready with the panic on one line", r)
	}
	calm := func() (r check.Result) {
		defer RecoverAsUnknown(&r, check.Ready, cfg)
		return check.Result{State: check.Healthy}
	}
	if r := calm(); r.State != check.Healthy {
		t.Errorf("no panic: %+v, want the check's own verdict", r)
	}
}

// An interrupted check keeps when it ran, and nothing of what it found.
func TestInterrupted_KeepsTheTimesOnly(t *testing.T) {
	start := time.Unix(1000, 0)
	r := Interrupted(check.Result{State: check.Healthy, Start: start, Duration: time.Second, Reason: "fine"}, check.Health, check.Config{})
	if r.State != check.Unknown || r.Reason != "interrupted" || !r.Start.Equal(start) || r.Duration != time.Second || !strings.HasPrefix(r.Mode.String(), "health") {
		t.Errorf("%+v", r)
	}
}
