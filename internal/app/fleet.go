package app

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/statefile"
)

// RunFleet checks every target, at most maxConcurrent at once, all within fleetBound; it writes
// one state file and one textfile for them all, prints one line per target, worst first, and a
// summary, and returns the worst state's exit code. The members' run-wide options (output,
// quiet, colour, files) are the same, as loadTargets refuses them as keys.
func RunFleet(ctx context.Context, members []*config.Config, maxConcurrent int, stdout, stderr io.Writer) int {
	run := members[0]
	warn := func(msg string) {
		if !run.Quiet {
			fmt.Fprintln(stderr, msg)
		}
	}
	marks := map[string]check.Mark{}
	if run.StateFile != "" {
		var w string
		if marks, w = statefile.Load(run.StateFile); w != "" {
			warn(config.Warning("%s", w))
		}
	}
	configured := make([][]string, len(members))
	for i, cfg := range members {
		configured[i] = cfg.Warnings
	}
	for _, w := range FleetWarnings(members, configured) { // before the run, as for one target
		warn(w)
	}
	bound := config.FleetBound(members)
	runCtx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	results := make([]check.Result, len(members))
	warnings := make([][]string, len(members))
	slots := make(chan struct{}, maxConcurrent)
	var wg sync.WaitGroup
	for i, cfg := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			queued, acquired := false, true
			select {
			case slots <- struct{}{}:
			default: // every slot is busy: wait for one, within the run's bound
				queued = true
				select {
				case slots <- struct{}{}:
				case <-runCtx.Done():
					acquired = false
				}
			}
			if acquired {
				defer func() { <-slots }()
			}
			waited := fmt.Sprintf("the run's bound of %s passed while it waited for one of --%s %d slots", bound, config.FlagMaxConcurrent, maxConcurrent)
			if runCtx.Err() != nil {
				results[i] = check.Result{Mode: cfg.Mode, State: check.Unknown, Start: time.Now(), Config: cfg.Check, Reason: "not checked: " + waited}
				return
			}
			defer RecoverAsUnknown(&results[i], cfg.Mode, cfg.Check) // one target's internal error is its own Unknown
			start := time.Now()
			results[i], warnings[i] = CheckMember(runCtx, cfg, marks)
			if queued && runCtx.Err() != nil && time.Since(start) < config.RunBound(cfg) { // cut short by its wait, not by its own bound
				results[i] = check.Result{Mode: cfg.Mode, State: check.Unknown, Start: start, Duration: results[i].Duration, Config: cfg.Check,
					Reason: "not checked in full: " + waited}
			}
		}()
	}
	wg.Wait()
	if errors.Is(ctx.Err(), context.Canceled) {
		for i, cfg := range members {
			results[i] = Interrupted(results[i], cfg.Mode, cfg.Check)
		}
	}
	for _, w := range FleetWarnings(members, warnings) {
		warn(w)
	}
	if run.StateFile != "" && ctx.Err() == nil {
		for i, r := range results {
			for _, e := range r.Endpoints {
				if url := members[i].URLOf(e.Role.Name); e.Mark != nil && url != "" {
					marks[statefile.Key(e.Role.Name, url)] = *e.Mark
				}
			}
		}
	}
	series := make([]report.Series, len(members))
	for i, cfg := range members {
		series[i] = report.Series{Labels: cfg.Labels, Result: results[i]}
	}
	save(files{stateFile: run.StateFile, marks: marks, complete: ctx.Err() == nil, textfile: run.Textfile, series: series}, warn)
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(results[b].State.ExitCode(), results[a].State.ExitCode()), cmp.Compare(members[a].Target, members[b].Target))
	})
	worst := results[order[0]].State
	if !run.Quiet {
		RenderFleet(stdout, run, members, results, order)
	}
	return worst.ExitCode()
}

// CheckMember checks one target, its endpoints starting from their marks in the state file, and
// returns the result and the warnings about its observations.
func CheckMember(ctx context.Context, cfg *config.Config, marks map[string]check.Mark) (check.Result, []string) {
	own := *cfg
	own.StateFile, own.Textfile, own.Warnings = "", "", nil // the fleet's, written once for all
	s := Open(&own, io.Discard, nil)
	defer s.Close()
	if cfg.StateFile != "" {
		for i, e := range cfg.Endpoints {
			s.targets[i].Remember = true
			if m, ok := marks[statefile.Key(e.Role.Name, e.URL)]; ok {
				s.targets[i].Previous = &m
			}
		}
	}
	r := s.Check(ctx)
	var observed bytes.Buffer
	WarnObservations(&observed, r)
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(observed.String()), "\n") {
		if line != "" {
			lines = append(lines, line)
		}
	}
	return r, lines
}

// FleetWarnings are the targets' warnings: one every target has (an unknown variable, say) once,
// as it is; the others after the target's name.
func FleetWarnings(members []*config.Config, warnings [][]string) []string {
	count := map[string]int{}
	for _, ws := range warnings {
		for _, w := range slices.Compact(slices.Sorted(slices.Values(ws))) {
			count[w]++
		}
	}
	var out []string
	printed := map[string]bool{}
	for i, ws := range warnings {
		for _, w := range ws {
			switch {
			case count[w] < len(members):
				out = append(out, config.Warning("target %s: %s", members[i].Target, strings.TrimPrefix(w, config.Warning(""))))
			case !printed[w]:
				out, printed[w] = append(out, w), true
			}
		}
	}
	return out
}

// FileLabels are a target's labels from the file, without its name; nil when there are none.
func FileLabels(labels map[string]string) map[string]string {
	var out map[string]string
	for k, v := range labels {
		if k != report.TargetLabel {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// RenderFleet writes the targets' results in order in the run's format: in text, one line per
// target after its name and a summary line; in JSON, an array of the usual documents, each with
// its target; for Nagios, the summary as the status line and one line per target after it.
func RenderFleet(w io.Writer, run *config.Config, members []*config.Config, results []check.Result, order []int) {
	states := make([]check.State, len(results))
	for i, r := range results {
		states[i] = r.State
	}
	worst := results[order[0]].State
	var b strings.Builder
	switch run.Output {
	case "json":
		b.WriteString("[")
		for n, i := range order {
			doc := report.Document(results[i])
			doc.Target, doc.Labels = members[i].Target, FileLabels(members[i].Labels)
			line, _ := json.Marshal(doc)
			if n > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n")
			b.Write(line)
		}
		b.WriteString("\n]\n")
	case "nagios":
		fmt.Fprintf(&b, "HEADPROBE %s - %s\n", worst.Nagios(), FleetSummary(states))
		for _, i := range order {
			fmt.Fprintf(&b, "%s: %s\n", members[i].Target, strings.ReplaceAll(report.Headline(results[i]), "|", "/"))
		}
	default:
		width := 0
		for _, cfg := range members {
			width = max(width, len(cfg.Target))
		}
		colored := run.Color && UseColor(w)
		for _, i := range order {
			fmt.Fprintf(&b, "%-*s  %s\n", width, members[i].Target, report.StateColor(results[i].State, colored).Sprint(report.Headline(results[i])))
		}
		b.WriteString(report.StateColor(worst, colored).Sprint(FleetSummary(states)) + "\n")
	}
	io.WriteString(w, b.String())
}

// FleetSummary counts the states of a run over many targets: "2 of 40 partial, 1 unavailable",
// the states other than healthy from the mildest; "40 of 40 healthy" when all are.
func FleetSummary(states []check.State) string {
	count := map[check.State]int{}
	for _, s := range states {
		count[s]++
	}
	var parts []string
	for _, s := range []check.State{check.Partial, check.Unavailable, check.Unknown} {
		if n := count[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d of %d %s", len(states), len(states), check.Healthy)
	}
	parts[0] = strings.Replace(parts[0], " ", fmt.Sprintf(" of %d ", len(states)), 1)
	return strings.Join(parts, ", ")
}
