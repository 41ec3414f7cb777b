package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
)

// Run is the whole program but the signals and the exit: it runs the command line args (args[0]
// is the program's name), reading the process's environment, and returns the exit code, which is
// the verdict's check.State.ExitCode; any panic becomes check.Unknown's code with one line on stdout.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stdout, "UNKNOWN: %s\n", app.InternalError(p))
			code = check.Unknown.ExitCode()
		}
	}()
	env := config.ProcessEnv()
	code = check.Healthy.ExitCode() // --help, --version and completion run no probe and succeed
	app := newAppFor(stdout, stderr, &code, nil, oneShotCommand(args))
	if err := app.RunContext(ctx, args); err != nil { // the flag parser's own errors
		return scanRefusal(args[1:], env).report(check.Health, err, stdout)
	}
	return code
}
