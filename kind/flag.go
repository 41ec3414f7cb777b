package kind

import (
	"slices"

	"github.com/headprobe/headprobe/check"
)

// Type is how a flag takes its value.
type Type int

const (
	// Text takes a value: numbers and durations too, parsed by the kind through Values, so that the
	// command line, the environment and the targets file have one rule and one-line errors.
	Text Type = iota
	// Toggle is a boolean.
	Toggle
	// Headers is a repeatable "Name: value" HTTP header; the environment holds one per line.
	Headers
)

// Flag is one flag a kind declares. Its environment variable is HEADPROBE_ and its name in upper
// case with "_" for "-"; its targets-file key is its name.
type Flag struct {
	Name string
	// Aliases are its other names ("o" for --output).
	Aliases  []string
	Type     Type
	Category string
	// Usage is its help; a word between backquotes is the value's placeholder.
	Usage string
	// Default is its value when nothing gives it; Shown is what help says of the default when it
	// is not Default itself ("off").
	Default, Shown string
	// Modes are the modes that read it; every mode when empty. A mode that does not read a flag
	// never parses its value, wherever it comes from, and warns when the command line gives it.
	Modes []check.Mode
	// Long marks a duration that is an age, at most a week; any other duration is at most a day.
	Long bool
	// Good and Bad are example values for the wiring's tests: one Configure accepts (an endpoint
	// another flag of the kind needs), one it refuses in every mode that reads the flag; "" for none.
	Good, Bad string
}

// ReadBy reports whether mode reads the flag.
func (f Flag) ReadBy(mode check.Mode) bool {
	return len(f.Modes) == 0 || slices.Contains(f.Modes, mode)
}

// HealthOnly are the modes of a flag only health reads.
var HealthOnly = []check.Mode{check.Health}

// NotLive are the modes of a flag health and ready read.
var NotLive = []check.Mode{check.Health, check.Ready}
