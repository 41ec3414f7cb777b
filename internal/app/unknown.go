package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
)

// InternalError is the reason a panic gives its Unknown verdict: the value, on one line.
func InternalError(p any) string {
	return "internal error: " + strings.Join(strings.Fields(fmt.Sprint(p)), " ")
}

// RecoverAsUnknown, deferred by a check, turns the check's panic into its own Unknown verdict in
// *r: one check's internal error is that check's verdict, not the end of a fleet or of serving.
func RecoverAsUnknown(r *check.Result, mode check.Mode, cfg check.Config) {
	if p := recover(); p != nil {
		*r = check.Result{Mode: mode, State: check.Unknown, Config: cfg, Start: time.Now(), Reason: InternalError(p)}
	}
}

// Interrupted is the Unknown verdict of a check cut short by an interrupt: r's start and duration,
// none of its findings.
func Interrupted(r check.Result, mode check.Mode, cfg check.Config) check.Result {
	return check.Result{Mode: mode, State: check.Unknown, Reason: "interrupted", Start: r.Start, Duration: r.Duration, Config: cfg}
}
