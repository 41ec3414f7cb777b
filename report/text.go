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
	paint := StateColor(r.State, colored)
	var b strings.Builder
	b.WriteString(paint.Sprint(Headline(r)))
	b.WriteByte('\n')
	width := 0
	for _, e := range r.Endpoints {
		width = max(width, len(e.Role.Name))
	}
	for _, f := range r.Parts {
		width = max(width, len(f.Role.Name))
	}
	for _, e := range r.Endpoints {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, e.Role.Name, endpointLine(r, e))
	}
	for _, f := range r.Parts {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, f.Role.Name, partLine(f))
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
		parts = append(parts, fmt.Sprintf("#%d", h.Number), check.ShortHash(h.Hash))
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
	if c, ok := r.HeadComparison(e.Role.Name); ok && c.Lag.Known {
		parts = append(parts, distance(c))
	}
	if e.Last != nil && e.Last.Detail != nil {
		parts = append(parts, e.Last.Detail.Line())
	}
	if !e.OK && e.Waived != "" {
		parts = append(parts, "not counted: "+e.Waived)
	}
	parts = append(parts, "latency "+e.Latency.Round(10*time.Microsecond).String(), e.URL)
	return strings.Join(parts, "  ")
}

// partLine is the detail of one part after its name: its verdict, its detail (or its reason) and
// its note.
func partLine(f check.Finding) string {
	parts := []string{"ok  "}
	if !f.OK() {
		parts[0] = "FAIL"
	}
	if f.Detail != nil {
		parts = append(parts, f.Detail.Line())
	}
	if f.Detail == nil || !f.OK() {
		parts = append(parts, f.Reason)
	}
	if f.Note != "" {
		parts = append(parts, f.Note)
	}
	return strings.Join(parts, "  ")
}

// StateColor is the colour of a state, bold green, yellow, red or magenta, for the one-shot report
// and watch's screen; colored false gives a colour that prints plain text.
func StateColor(s check.State, colored bool) *color.Color {
	c := color.New(color.Bold)
	switch s {
	case check.Healthy:
		c.Add(color.FgGreen)
	case check.Partial:
		c.Add(color.FgYellow)
	case check.Unavailable:
		c.Add(color.FgRed)
	default:
		c.Add(color.FgMagenta)
	}
	if colored {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
	return c
}
