package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/serve"
)

// newApp wires the commands; a command's action stores its exit code in *code. With dry not nil,
// an action only parses its command line into dry (Parse).
func newApp(stdout, stderr io.Writer, code *int, dry *dryRun) *cli.App {
	return newAppFor(stdout, stderr, code, dry, "")
}

// newAppFor is newApp, or with only (a one-shot command's name, see oneShotCommand) the app of
// that command alone: its flags without help categories, no other command and no flag before the
// command name, which is all such a command line can parse. The rest is the same app.
func newAppFor(stdout, stderr io.Writer, code *int, dry *dryRun, only string) *cli.App {
	action := func(mode check.Mode) cli.ActionFunc {
		return func(c *cli.Context) error {
			if config.IsSet(c, config.FlagTargets) {
				*code = fleetAction(c, mode, stdout, stderr, dry)
				return nil
			}
			cfg, err := config.Parse(c, mode)
			if dry != nil {
				dry.record(c, mode.String(), cfg, 0, err)
				return nil
			}
			if err != nil {
				*code = refuse(c, mode, err, stdout)
				return nil
			}
			*code = app.Probe(c.Context, cfg, stdout, stderr)
			return nil
		}
	}
	usageError := func(_ *cli.Context, err error, _ bool) error { return err }
	// One set of flag values serves every command: a flag's Apply registers a copy with the
	// parser (flags.go), so none is changed by a run, and clipping keeps the commands' appends
	// apart.
	flags := slices.Clip(config.ProbeFlags())
	if only != "" {
		uncategorized(flags)
	}
	command := func(mode check.Mode, usage, description string) *cli.Command {
		return &cli.Command{
			Name:         mode.String(),
			Usage:        usage,
			Description:  description,
			Flags:        flags,
			Action:       action(mode),
			OnUsageError: usageError,
		}
	}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version and exit"}
	cli.FlagStringer, cli.HelpPrinter = config.FlagHelp, helpPrinter
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionString()) }
	if only != "" {
		var cmd *cli.Command
		switch only {
		case check.Health.String():
			cmd = command(check.Health, "", "")
		case check.Ready.String():
			cmd = command(check.Ready, "", "")
		default:
			cmd = command(check.Live, "", "")
		}
		return &cli.App{Name: "headprobe", Writer: stdout, ErrWriter: stderr, HideHelp: true, HideVersion: true,
			OnUsageError: usageError, ExitErrHandler: func(*cli.Context, error) {}, DisableSliceFlagSeparator: true,
			Commands: []*cli.Command{cmd}}
	}
	return &cli.App{
		Name:      "headprobe",
		Usage:     "one-shot health probe of an OP-stack sequencer's L2 and builder unsafe heads",
		UsageText: "headprobe [health|ready|live|watch|serve] --l2 URL [--builder URL] [flags]",
		Description: "Exit codes: 0 healthy, 1 partial (builder stale or unreachable), " +
			"2 unavailable (L2 stale or unreachable), 3 unknown (usage, configuration, internal error).",
		Version:              versionString(),
		Writer:               stdout,
		ErrWriter:            stderr,
		Flags:                append(flags, config.EveryFlag(), config.ListenFlag(), config.MaxProbesFlag(), config.EnableReloadFlag(), config.ConductorScopeFlag(), config.ConductorPeersFlag()),
		Action:               action(check.Health),
		OnUsageError:         usageError,
		ExitErrHandler:       func(*cli.Context, error) {},
		EnableBashCompletion: true,
		// A header value may hold commas ("Basic a,b"); config.go splits the environment's one
		// per line and refuses a line break on the command line.
		DisableSliceFlagSeparator: true,
		Commands: []*cli.Command{
			command(check.Health, "judge L2 and builder: 0 healthy, 1 partial, 2 unavailable (the default command)",
				"The L2 must be fresh and progressing, else 2. Then the builder, if given: stale, stuck or unreachable is 1."),
			command(check.Ready, "judge the L2 alone: 0 while it is fresh and progressing, else 2",
				"For Kubernetes readiness: a builder problem never fails readiness, because blocks are still being built."),
			command(check.Live, "0 when the L2 answers with a well-formed head, whatever its age; else 2",
				"For Kubernetes liveness: restart only a dead client, never a slow chain."),
			watchCommand(flags, stdout, stderr, code, dry),
			serveCommand(flags, stdout, stderr, code, dry),
		},
	}
}

// versionString is the module version, VCS revision and Go version from the build info.
func versionString() string {
	b, ok := buildInfo()
	if !ok {
		return "headprobe (no build info)"
	}
	return fmt.Sprintf("headprobe %s (commit %s, %s)", b.Version, b.Revision, b.GoVersion)
}

// version and commit are stamped by the release build (the README's command):
//
//	-ldflags "-X github.com/headprobe/headprobe/internal/cli.version=$(git describe --tags --always --dirty)
//	          -X github.com/headprobe/headprobe/internal/cli.commit=$(git rev-parse HEAD)"
//
// A build without them reports what the Go toolchain stamped, which is "(devel)" from a checkout.
var version, commit string

// buildInfo is the module version, VCS revision ("unknown" when not stamped) and Go version;
// ok is false for a binary without build info.
func buildInfo() (b serve.BuildInfo, ok bool) {
	defer func() {
		if version != "" {
			b.Version = version
		}
		if commit != "" {
			b.Revision = commit
		}
	}()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return serve.BuildInfo{Version: "unknown", Revision: "unknown", GoVersion: runtime.Version()}, false
	}
	b = serve.BuildInfo{Version: info.Main.Version, Revision: "unknown", GoVersion: info.GoVersion}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			b.Revision = s.Value
		}
	}
	return b, true
}

// oneShotCommand is the one-shot command (health, ready or live) args run, when they run one
// without help, version or completion: args[1] is its name and no argument asks for help
// (-h, --help, help as a command), the version or shell completion. "" for any other command
// line, which the whole app runs.
func oneShotCommand(args []string) string {
	if len(args) < 2 {
		return ""
	}
	switch args[1] {
	case check.Health.String(), check.Ready.String(), check.Live.String():
	default:
		return ""
	}
	for _, a := range args[2:] {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case !strings.HasPrefix(a, "-"):
		case name == "h", name == "help", name == "V", name == "version", name == "generate-bash-completion":
			return ""
		}
	}
	return args[1]
}

// uncategorized clears the help categories of flags: urfave/cli groups every command's flags by
// category at setup, which only help shows.
func uncategorized(flags []cli.Flag) {
	for _, f := range flags {
		switch f := f.(type) {
		case config.CmdString:
			f.Category = ""
		case config.CmdBool:
			f.Category = ""
		case config.CmdSlice:
			f.Category = ""
		}
	}
}
