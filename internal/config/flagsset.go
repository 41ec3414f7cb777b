package config

import (
	"sync"

	"github.com/urfave/cli/v2"
)

// flagsSet remembers, per parsed context, the names (every alias) of the flags set in it on the
// command line: what cli's IsSet answers one name at a time, each time walking every flag's names
// with a regexp, in one pass. Only the contexts of the current parse
// are kept.
var flagsSet struct {
	sync.Mutex
	byContext map[*cli.Context]map[string]bool
}

// ResetFlagsSet forgets the remembered contexts.
func ResetFlagsSet() {
	flagsSet.Lock()
	flagsSet.byContext = nil
	flagsSet.Unlock()
}

// setHere is ctx.IsSet(name) for a flag of ctx's own command.
func setHere(ctx *cli.Context, name string) bool {
	if ctx.Command == nil {
		return ctx.IsSet(name)
	}
	flagsSet.Lock()
	defer flagsSet.Unlock()
	set, ok := flagsSet.byContext[ctx]
	if !ok {
		if len(flagsSet.byContext) >= 4 { // an app and its command: another parse has begun
			flagsSet.byContext = nil
		}
		if flagsSet.byContext == nil {
			flagsSet.byContext = map[*cli.Context]map[string]bool{}
		}
		set = setNames(ctx)
		flagsSet.byContext[ctx] = set
	}
	return set[name]
}

// setNames is every name of every flag of ctx's command that ctx's command line set, by any of
// its names (the parser reads no environment: see CmdString).
func setNames(ctx *cli.Context) map[string]bool {
	local := map[string]bool{}
	for _, n := range ctx.LocalFlagNames() {
		local[n] = true
	}
	set := map[string]bool{}
	for _, f := range ctx.Command.Flags {
		names := f.Names()
		hit := false
		for _, n := range names {
			hit = hit || local[n]
		}
		for _, n := range names {
			set[n] = set[n] || hit
		}
	}
	return set
}
