package config

import (
	"context"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// Environment is where a flag that no command line gives is read from: the process's variables
// (Run), or the list a caller gives Parse.
type Environment struct {
	getenv  func(string) string
	environ func() []string // every NAME=value, for the misspelt-variable warnings
}

// ProcessEnv is the process's environment.
func ProcessEnv() Environment { return Environment{getenv: os.Getenv, environ: os.Environ} }

// ListEnv is the environment of NAME=value entries, as os.Environ gives them; a later entry wins.
func ListEnv(kv []string) Environment {
	vars := map[string]string{}
	for _, e := range kv {
		if name, value, ok := strings.Cut(e, "="); ok {
			vars[name] = value
		}
	}
	return Environment{
		getenv:  func(name string) string { return vars[name] },
		environ: func() []string { return kv },
	}
}

// Lookup is the variable with surrounding white space trimmed, the same for every flag; a
// variable unset or blank counts as absent.
func (e Environment) Lookup(name string) (string, bool) {
	v := strings.TrimSpace(e.getenv(name))
	return v, v != ""
}

// environmentKey is the context key of the environment a parse reads.
type environmentKey struct{}

// WithEnvironment is ctx carrying the environment the app's flags are read from.
func WithEnvironment(ctx context.Context, e Environment) context.Context {
	return context.WithValue(ctx, environmentKey{}, e)
}

// EnvironmentOf is the environment of the parse c belongs to: the process's unless Parse gave one.
func EnvironmentOf(c *cli.Context) Environment {
	if c.Context != nil {
		if e, ok := c.Context.Value(environmentKey{}).(Environment); ok {
			return e
		}
	}
	return ProcessEnv()
}
