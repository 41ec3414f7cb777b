package cli

import (
	"fmt"
	"io"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
)

// fleetAction runs a one-shot command with --targets: the target --target names, as a run
// without a targets file would (its output, exit code, state file and textfile, labelled), or
// else every target at once (runFleet). A bad file is refused with exit 3 before any probe.
func fleetAction(c *cli.Context, mode check.Mode, stdout, stderr io.Writer, dry *dryRun) int {
	file, err := config.LoadTargets(config.Str(c, config.FlagTargets))
	var maxConcurrent uint64
	if err == nil {
		maxConcurrent, err = config.Whole(c, config.FlagMaxConcurrent)
		if err == nil && maxConcurrent == 0 {
			err = fmt.Errorf("--%s must be at least 1 (specified: 0)", config.FlagMaxConcurrent)
		}
	}
	if err == nil && config.IsSet(c, config.FlagTarget) {
		var t *config.FileTarget
		if t, err = file.Lookup(config.Str(c, config.FlagTarget)); err == nil {
			tc, cfg, err := file.ParseTarget(c, t, mode)
			if dry != nil {
				dry.record(tc, mode.String(), cfg, 0, err)
				return check.Healthy.ExitCode()
			}
			if err != nil {
				return refuse(c, mode, err, stdout)
			}
			return app.Probe(c.Context, cfg, stdout, stderr)
		}
	}
	var members []*config.Config
	var contexts []*cli.Context
	if err == nil {
		for _, t := range file.Targets {
			tc, cfg, terr := file.ParseTarget(c, t, mode)
			if terr != nil {
				err = terr
				break
			}
			members, contexts = append(members, cfg), append(contexts, tc)
		}
	}
	if err == nil {
		for _, w := range file.OverrideWarnings(c) {
			for _, cfg := range members {
				cfg.Warnings = append(cfg.Warnings, w)
			}
		}
	}
	if dry != nil {
		dry.recordFleet(contexts, mode, members, int(min(maxConcurrent, 1<<20)), err)
		return check.Healthy.ExitCode()
	}
	if err != nil {
		return refuse(c, mode, err, stdout)
	}
	return app.RunFleet(c.Context, members, int(min(maxConcurrent, uint64(len(members)))), stdout, stderr)
}
