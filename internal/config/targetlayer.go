package config

import (
	"context"

	"github.com/urfave/cli/v2"
)

// The targets file is the lowest layer of a flag's value: the command line, then the environment,
// then the target's keys, then the defaults' (merged by loadTargets), then the flag's default.

// targetKey is the context key of the target whose keys a parse reads.
type targetKey struct{}

// withTarget is a copy of the command's context c that reads t's keys below its command line and
// environment.
func withTarget(c *cli.Context, t *FileTarget) *cli.Context {
	tc := *c
	tc.Context = context.WithValue(c.Context, targetKey{}, t)
	return &tc
}

// fromFile is the flag's value in the targets file, for a parse of one target (withTarget).
func fromFile(c *cli.Context, name string) (fileValue, bool) {
	if c.Context == nil {
		return fileValue{}, false
	}
	t, ok := c.Context.Value(targetKey{}).(*FileTarget)
	if !ok {
		return fileValue{}, false
	}
	v, ok := t.values[name]
	return v, ok
}
