package watch

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/printable"
	"github.com/headprobe/headprobe/report"
)

// ClearScreen moves the cursor home and clears to the end of the screen; every screen starts with it.
const ClearScreen = "\033[H\033[J"

// Screen writes one whole terminal screen for the latest result, in a single write: the clear
// sequence, the verdict with how long it has held, one row per endpoint (head, short hash, age,
// blocks per second, latency), one row per part, the lags between endpoints, the last state
// changes and the last changes of the parts' labels (op-conductor's role). every is shown in
// the title; colored paints the state.
func (w *Watcher) Screen(out io.Writer, every time.Duration, colored bool) error {
	return w.ScreenWidth(out, every, colored, 0)
}

// ScreenWidth is Screen for a terminal width columns wide: every line longer is cut with an
// ellipsis, so that the terminal never wraps one (in the middle of a word); 0 cuts nothing.
func (w *Watcher) ScreenWidth(out io.Writer, every time.Duration, colored bool, width int) error {
	r, at, ok := w.Last()
	if !ok {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "headprobe watch  every %s  %s  (Ctrl-C to quit)\n\n", every, at.UTC().Format(time.RFC3339))
	state := strings.ToUpper(r.State.String())
	fmt.Fprintf(&b, "%s for %s: %s\n\n", state, w.Held().Round(time.Second), printable.OneLine(r.Reason))
	w.endpointTable(&b, r)
	for _, l := range r.Lags() {
		fmt.Fprintf(&b, "\n%s lag: %s\n", l.Of.Name, lagPhrase(l))
	}
	b.WriteString("\nstate changes:\n")
	for _, c := range w.Changes() {
		from := "start"
		if !c.First {
			from = strings.ToUpper(c.From.String())
		}
		fmt.Fprintf(&b, "  %s  %s → %s  %s\n", c.At.UTC().Format(time.RFC3339), from, strings.ToUpper(c.To.String()), printable.OneLine(c.Reason))
	}
	if changes := w.LabelChanges(); len(changes) > 0 {
		b.WriteString("\nrole changes:\n")
		for _, c := range changes {
			fmt.Fprintf(&b, "  %s  %s %s → %s\n", c.At.UTC().Format(time.RFC3339), c.Part, c.From, c.To)
		}
	}
	screen := fitLines(b.String(), width)
	// The state leads its line, which fitLines cut as plain text: paint it now.
	screen = strings.Replace(screen, "\n"+state+" for ", "\n"+report.StateColor(r.State, colored).Sprint(state)+" for ", 1)
	_, err := io.WriteString(out, ClearScreen+screen)
	return err
}

// fitLines cuts every line of text longer than width runes to width, its last rune an ellipsis;
// width 0 leaves text as it is.
func fitLines(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if r := []rune(l); len(r) > width {
			lines[i] = string(r[:width-1]) + "…"
		}
	}
	return strings.Join(lines, "\n")
}

// partRows writes one row per part (rollup-boost, op-conductor) into the endpoints' table, so that
// its name and status align with theirs: its verdict and what it saw, after the status.
func partRows(tw io.Writer, r check.Result) {
	for _, f := range r.Parts {
		status, what := "ok  ", f.Reason
		if !f.OK() {
			status = "FAIL"
		}
		if f.Detail != nil && f.OK() {
			what = f.Detail.Line()
		}
		if f.Note != "" {
			what += "  " + f.Note
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Role.Name, status, printable.OneLine(what))
	}
}

// endpointTable writes the aligned per-endpoint rows.
func (w *Watcher) endpointTable(b *strings.Builder, r check.Result) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  endpoint\tstatus\thead\thash\tage\tblocks/s\tlatency\turl")
	for _, e := range r.Endpoints {
		status, head, hash, age := "ok", "-", "-", "-"
		if !e.OK {
			status = "FAIL"
		}
		if h := e.Last; h != nil {
			head, hash, age = fmt.Sprintf("#%d", h.Number), check.ShortHash(h.Hash), e.Age.String()
		}
		bps := "-"
		if v, ok := w.Rate(e.Role.Name); ok {
			bps = fmt.Sprintf("%.2f", v)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Role.Name, status, head, hash, age, bps, e.Latency.Round(10*time.Microsecond), e.URL)
	}
	partRows(tw, r)
	tw.Flush()
}

// lagPhrase says how far an endpoint is behind or ahead of the one it is measured against.
func lagPhrase(l check.Lag) string {
	switch {
	case !l.Known:
		return "-"
	case l.Blocks == 0:
		return "0 blocks (level with the " + l.Against.Title + ")"
	case l.Blocks > 0:
		return plural(uint64(l.Blocks)) + " behind the " + l.Against.Title
	default:
		return plural(uint64(-l.Blocks)) + " ahead of the " + l.Against.Title
	}
}

func plural(n uint64) string {
	if n == 1 {
		return "1 block"
	}
	return fmt.Sprintf("%d blocks", n)
}
