package app

import (
	"errors"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/internal/fsx"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/statefile"
)

// files are what a finished run leaves behind: the state file's marks and the textfile's series.
type files struct {
	stateFile string
	marks     map[string]check.Mark
	// complete says the run was not cut short: only then are its marks saved.
	complete bool
	textfile string
	series   []report.Series
	// stateWarned says loading already warned that the state file is not headprobe's, which
	// covers what saving it would say: it is left as it is without a second word.
	stateWarned bool
}

// save writes the state file (when the run was complete) and the textfile: the one place
// headprobe writes them, for a one-shot run, a watch or serve check and a fleet alike. A file not
// written is a warning, never a failure of the run.
func save(f files, warn func(string)) {
	if f.complete && f.stateFile != "" {
		if err := statefile.Save(f.stateFile, f.marks); err != nil && !(f.stateWarned && errors.As(err, new(*fsx.Refused))) {
			warn(NotWritten("state file", f.stateFile, err))
		}
	}
	if f.textfile != "" {
		if err := report.WriteSeries(f.textfile, f.series...); err != nil {
			warn(NotWritten("textfile", f.textfile, err))
		}
	}
}

// NotWritten is the warning for a file that was not written; the path is named once.
func NotWritten(what, path string, err error) string {
	var refused *fsx.Refused
	if errors.As(err, &refused) && refused.Path == path {
		return config.Warning("%s %s not written: %s, left as it is", what, path, refused.Reason)
	}
	return config.Warning("%s %s not written: %v", what, path, err)
}
