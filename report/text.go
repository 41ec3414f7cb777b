// Package report renders a check.Result for people and machines; main and the devnet share it.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/headprobe/headprobe/check"
)

// Headline is the verdict's first line, e.g. "PARTIAL: builder head #1234 is 37s old (max 10s)".
func Headline(r check.Result) string {
	return strings.ToUpper(r.State.String()) + ": " + r.Reason
}

// Text writes the headline and one line per endpoint: name, verdict, head, age, progress,
// latency and the redacted URL. color paints the verdict; pass false off a terminal.
func Text(w io.Writer, r check.Result, colored bool) error {
	paint := stateColor(r.State)
	if colored {
		paint.EnableColor()
	} else {
		paint.DisableColor()
	}
	var b strings.Builder
	b.WriteString(paint.Sprint(Headline(r)))
	b.WriteByte('\n')
	width := 0
	for _, e := range r.Endpoints() {
		width = max(width, len(e.Name))
	}
	for _, e := range r.Endpoints() {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, e.Name, endpointLine(r, e))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// endpointLine is the detail of one endpoint after its name.
func endpointLine(r check.Result, e check.Endpoint) string {
	var parts []string
	if e.OK {
		parts = append(parts, "ok  ")
	} else {
		parts = append(parts, "FAIL")
	}
	if h := e.Last; h != nil {
		parts = append(parts, fmt.Sprintf("#%d", h.Number), ShortHash(h.Hash.Hex()))
		age := "age " + e.Age.String()
		if e.Ahead > 0 {
			age += fmt.Sprintf(" (%s in the future)", e.AheadText())
		}
		parts = append(parts, age)
		if r.Config.Interval > 0 && r.Mode != check.Live {
			parts = append(parts, fmt.Sprintf("+%d in %s", e.Progress, e.Window.Round(time.Millisecond)))
		}
		if r := e.Reorg; r != nil && r.From.Number == r.To.Number {
			parts = append(parts, fmt.Sprintf("reorg: #%d replaced", r.To.Number))
		} else if r != nil {
			parts = append(parts, fmt.Sprintf("reorg #%d→#%d", r.From.Number, r.To.Number))
		}
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	parts = append(parts, "latency "+e.Latency.Round(10*time.Microsecond).String(), e.URL)
	return strings.Join(parts, "  ")
}

// ShortHash abbreviates a 0x-prefixed hash to its first and last four hex digits.
func ShortHash(hex string) string {
	if len(hex) < 14 {
		return hex
	}
	return hex[:6] + "…" + hex[len(hex)-4:]
}

// stateColor is the colour of a state: green, yellow, red, magenta.
func stateColor(s check.State) *color.Color {
	switch s {
	case check.Healthy:
		return color.New(color.FgGreen, color.Bold)
	case check.Partial:
		return color.New(color.FgYellow, color.Bold)
	case check.Unavailable:
		return color.New(color.FgRed, color.Bold)
	default:
		return color.New(color.FgMagenta, color.Bold)
	}
}
