package config

import (
	"fmt"
	"strings"

	"github.com/headprobe/headprobe/check"
	"github.com/urfave/cli/v2"
)

// WatchTarget parses watch's target of --targets: watch shows one target, which --target names.
func WatchTarget(c *cli.Context) (*cli.Context, *Config, error) {
	if !IsSet(c, FlagTarget) {
		return c, nil, fmt.Errorf("watch shows one target: give --%s NAME with --%s (for all of them at once, health --%s from a timer)", FlagTarget, FlagTargets, FlagTargets)
	}
	return OneTarget(c, check.Health)
}

// OneTarget parses, for mode, the target of --targets that --target names: the context that
// reads its keys, and its configuration.
func OneTarget(c *cli.Context, mode check.Mode) (*cli.Context, *Config, error) {
	file, err := LoadTargets(Str(c, FlagTargets))
	if err != nil {
		return c, nil, err
	}
	t, err := file.Lookup(Str(c, FlagTarget))
	if err != nil {
		return c, nil, err
	}
	return file.ParseTarget(c, t, mode)
}

// OverrideWarnings are, for a run over every target, the endpoint URLs that the command line or
// the environment gives over the targets' own keys: all those targets then probe the same endpoint.
func (f *TargetsFile) OverrideWarnings(c *cli.Context) []string {
	var warnings []string
	for _, flag := range ProbeFlags() {
		name := flag.Names()[0]
		if df, ok := flag.(cli.DocGenerationFlag); !ok || !strings.Contains(df.GetUsage(), "`URL`") {
			continue
		}
		source := ""
		if OnCommandLine(c, name) != nil {
			source = "--" + name + " on the command line"
		} else if _, inEnv := FromEnv(c, name); inEnv {
			source = Env(name)[0]
		}
		overridden := 0
		for _, t := range f.Targets {
			if _, ok := t.values[name]; ok {
				overridden++
			}
		}
		if source != "" && overridden > 0 {
			warnings = append(warnings, Warning("%s overrides key %s of %d targets of %s: they all probe the same endpoint", source, name, overridden, f.Path))
		}
	}
	return warnings
}
