package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// row is one line of the table.
type row struct {
	ID     string  `json:"id"`
	Figure string  `json:"figure"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Unit   string  `json:"unit"`
	Budget float64 `json:"budget"`
	Runs   int     `json:"runs"`
	Pass   bool    `json:"pass"`
	Note   string  `json:"note,omitempty"`
}

// report is everything a run prints; -json writes it as is.
type report struct {
	Machine    machine    `json:"machine"`
	Build      string     `json:"build"`
	Baseline   string     `json:"baseline,omitempty"` // the commit of the B figures' baseline build
	ProbeEnv   []string   `json:"probe_env,omitempty"`
	Runs       int        `json:"runs"`
	LoadAtEnd  string     `json:"load_average_at_end"`
	Rows       []row      `json:"rows"`
	Inits      []initCost `json:"inits,omitempty"`
	InitsTotal float64    `json:"inits_total_ms,omitempty"`
	// FloorInitsTotal is the median of all inits of the floor program (F0).
	FloorInitsTotal float64 `json:"floor_inits_total_ms,omitempty"`
}

// newRow judges a result against its figure's budget.
func newRow(f figure, r result) row {
	out := row{ID: f.ID, Figure: f.What, Unit: f.Unit, Budget: f.Budget, Runs: len(r.values), Note: r.note}
	if r.err != nil {
		out.Note = "error: " + r.err.Error()
		return out
	}
	out.Median = median(r.values)
	out.Min, out.Max = slices.Min(r.values), slices.Max(r.values)
	out.Pass = f.Budget == 0 || out.Median <= f.Budget
	return out
}

// format writes a value in its unit.
func format(v float64, unit string) string {
	switch unit {
	case "×":
		if v != 0 && v < 0.1 { // a small ratio (serve's S1) keeps two significant digits
			return fmt.Sprintf("%.2g×", v)
		}
		return fmt.Sprintf("%.2f×", v)
	case "MB":
		return fmt.Sprintf("%.2f MB", v)
	case "s":
		return fmt.Sprintf("%.3f s", v)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

func printMarkdown(w io.Writer, rep report) error {
	m := rep.Machine
	fmt.Fprintf(w, "headprobe bench, %s: %s, %d cores, %s; %s\n", m.Date, m.CPU, m.Cores, m.Kernel, m.Go)
	fmt.Fprintf(w, "binary: %s; medians of %d runs; load average %s at start, %s at end", rep.Build, rep.Runs, m.LoadAvg, rep.LoadAtEnd)
	if rep.Baseline != "" {
		fmt.Fprintf(w, "; baseline: commit %s, built the same way", rep.Baseline)
	}
	if len(rep.ProbeEnv) > 0 {
		fmt.Fprintf(w, "; probe env %s", strings.Join(rep.ProbeEnv, " "))
	}
	fmt.Fprint(w, "\n\n| id | figure | median | min – max | budget | result | notes |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rep.Rows {
		verdict, spread, budget := "FAIL", "—", "—"
		if r.Pass {
			verdict = "PASS"
		}
		if r.Budget != 0 {
			budget = "≤ " + format(r.Budget, r.Unit)
		} else if r.Runs > 0 {
			verdict = "reference"
		}
		if r.Runs > 1 {
			spread = format(r.Min, r.Unit) + " – " + format(r.Max, r.Unit)
		}
		value := "—"
		if r.Runs > 0 {
			value = format(r.Median, r.Unit)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.ID, r.Figure, value, spread, budget, verdict, r.Note)
	}
	if len(rep.Inits) > 0 {
		fmt.Fprintf(w, "\nslowest package inits (`GODEBUG=inittrace=1 headprobe --version`, medians; all inits %.2f ms", rep.InitsTotal)
		if rep.FloorInitsTotal > 0 {
			fmt.Fprintf(w, ", the floor program's %.2f ms", rep.FloorInitsTotal)
		}
		fmt.Fprint(w, "):\n\n")
		fmt.Fprint(w, "| package | clock | bytes | allocs |\n|---|---|---|---|\n")
		for _, c := range rep.Inits {
			fmt.Fprintf(w, "| %s | %.3f ms | %.0f | %.0f |\n", c.Pkg, c.MS, c.Bytes, c.Allocs)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}
