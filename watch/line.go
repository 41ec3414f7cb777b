package watch

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/printable"
)

// Line writes one log line for the latest result, without escape sequences:
//
//	2026-11-25T12:00:00Z HEALTHY l2=#123 builder=#123 lag=0 l2 head #123 is 1s old, builder head #123 is 1s old
//
// Each endpoint is name=#head, followed by lag= when it has a lag against another; a missing head
// or lag is "-". A part whose detail is Labelled follows as name=label (conductor=leader).
func (w *Watcher) Line(out io.Writer) error {
	r, at, ok := w.Last()
	if !ok {
		return nil
	}
	parts := []string{at.UTC().Format(time.RFC3339), strings.ToUpper(r.State.String())}
	lags := r.Lags()
	for _, e := range r.Endpoints {
		parts = append(parts, e.Role.Name+"="+headNumber(&e))
		for _, l := range lags {
			if l.Of.Name == e.Role.Name {
				parts = append(parts, "lag="+lagText(l))
			}
		}
	}
	parts = append(parts, labelsOf(r)...)
	parts = append(parts, printable.OneLine(r.Reason))
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

// lagText is a lag in blocks, or "-".
func lagText(l check.Lag) string {
	if !l.Known {
		return "-"
	}
	return fmt.Sprint(l.Blocks)
}
