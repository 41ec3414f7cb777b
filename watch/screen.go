package watch

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fatih/color"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
)

// ClearScreen moves the cursor home and clears to the end of the screen; every screen starts with it.
const ClearScreen = "\033[H\033[J"

// Screen writes one whole terminal screen for the latest result, in a single write: the clear
// sequence, the verdict with how long it has held, one row per endpoint (head, short hash, age,
// blocks per second, latency), the builder's lag and the last state changes. every is shown in
// the title; colored paints the state.
func (w *Watcher) Screen(out io.Writer, every time.Duration, colored bool) error {
	r, at, ok := w.Last()
	if !ok {
		return nil
	}
	var b strings.Builder
	b.WriteString(ClearScreen)
	fmt.Fprintf(&b, "headprobe watch  every %s  %s  (Ctrl-C to quit)\n\n", every, at.UTC().Format(time.RFC3339))
	state := strings.ToUpper(r.State.String())
	fmt.Fprintf(&b, "%s for %s: %s\n\n", paint(r.State, colored).Sprint(state), w.Held().Round(time.Second), oneLine(r.Reason))
	w.endpointTable(&b, r)
	if r.Builder != nil {
		fmt.Fprintf(&b, "\nbuilder lag: %s\n", w.lagPhrase())
	}
	b.WriteString("\nstate changes:\n")
	for _, c := range w.Changes() {
		from := "start"
		if !c.First {
			from = strings.ToUpper(c.From.String())
		}
		fmt.Fprintf(&b, "  %s  %s → %s  %s\n", c.At.UTC().Format(time.RFC3339), from, strings.ToUpper(c.To.String()), oneLine(c.Reason))
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// endpointTable writes the aligned per-endpoint rows.
func (w *Watcher) endpointTable(b *strings.Builder, r check.Result) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  endpoint\tstatus\thead\thash\tage\tblocks/s\tlatency\turl")
	for _, e := range r.Endpoints() {
		status, head, hash, age := "ok", "-", "-", "-"
		if !e.OK {
			status = "FAIL"
		}
		if h := e.Last; h != nil {
			head, hash, age = fmt.Sprintf("#%d", h.Number), report.ShortHash(h.Hash.Hex()), e.Age.String()
		}
		bps := "-"
		if v, ok := w.Rate(e.Name); ok {
			bps = fmt.Sprintf("%.2f", v)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, status, head, hash, age, bps, e.Latency.Round(10*time.Microsecond), e.URL)
	}
	tw.Flush()
}

// lagPhrase says how far the builder is behind or ahead of the L2.
func (w *Watcher) lagPhrase() string {
	lag, ok := w.Lag()
	switch {
	case !ok:
		return "-"
	case lag == 0:
		return "0 blocks (level with the L2)"
	case lag > 0:
		return plural(uint64(lag)) + " behind the L2"
	default:
		return plural(uint64(-lag)) + " ahead of the L2"
	}
}

func plural(n uint64) string {
	if n == 1 {
		return "1 block"
	}
	return fmt.Sprintf("%d blocks", n)
}

// paint is the colour of a state, as the one-shot report uses: green, yellow, red, magenta.
func paint(s check.State, colored bool) *color.Color {
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
