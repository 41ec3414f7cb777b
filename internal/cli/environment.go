package cli

import (
	"context"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// environment is where a flag that no command line gives is read from: the process's variables
// (Run), or the list a caller gives Parse.
type environment struct {
	getenv  func(string) string
	environ func() []string // every NAME=value, for the misspelt-variable warnings
}

// processEnv is the process's environment.
func processEnv() environment { return environment{getenv: os.Getenv, environ: os.Environ} }

// listEnv is the environment of NAME=value entries, as os.Environ gives them; a later entry wins.
func listEnv(kv []string) environment {
	vars := map[string]string{}
	for _, e := range kv {
		if name, value, ok := strings.Cut(e, "="); ok {
			vars[name] = value
		}
	}
	return environment{
		getenv:  func(name string) string { return vars[name] },
		environ: func() []string { return kv },
	}
}

// lookup is the variable with surrounding white space trimmed, the same for every flag; a
// variable unset or blank counts as absent.
func (e environment) lookup(name string) (string, bool) {
	v := strings.TrimSpace(e.getenv(name))
	return v, v != ""
}

// environmentKey is the context key of the environment a parse reads.
type environmentKey struct{}

// withEnvironment is ctx carrying the environment the app's flags are read from.
func withEnvironment(ctx context.Context, e environment) context.Context {
	return context.WithValue(ctx, environmentKey{}, e)
}

// environmentOf is the environment of the parse c belongs to: the process's unless Parse gave one.
func environmentOf(c *cli.Context) environment {
	if c.Context != nil {
		if e, ok := c.Context.Value(environmentKey{}).(environment); ok {
			return e
		}
	}
	return processEnv()
}
