package watch

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Line writes one log line for the latest result, without escape sequences:
//
//	2026-11-25T12:00:00Z HEALTHY l2=#123 builder=#123 lag=0 l2 head #123 is 1s old, builder head #123 is 1s old
//
// A missing head is "-"; builder= and lag= are left out when no builder is watched.
func (w *Watcher) Line(out io.Writer) error {
	r, at, ok := w.Last()
	if !ok {
		return nil
	}
	parts := []string{at.UTC().Format(time.RFC3339), strings.ToUpper(r.State.String()), "l2=" + headNumber(&r.L2)}
	if r.Builder != nil {
		parts = append(parts, "builder="+headNumber(r.Builder), "lag="+w.lagText())
	}
	parts = append(parts, oneLine(r.Reason))
	_, err := io.WriteString(out, strings.Join(parts, " ")+"\n")
	return err
}

// headNumber is "#N", or "-" without a head.
func headNumber(e *check.Endpoint) string {
	if e == nil || e.Last == nil {
		return "-"
	}
	return fmt.Sprintf("#%d", e.Last.Number)
}

// lagText is the builder's lag in blocks, or "-".
func (w *Watcher) lagText() string {
	lag, ok := w.Lag()
	if !ok {
		return "-"
	}
	return fmt.Sprint(lag)
}

// oneLine folds any line breaks, so one result stays one log line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
