package kind

import (
	"crypto/tls"
	"net/http"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Values are the flags' values as the wiring layers them (command line, then environment, then
// targets file, then default), and the run's settings every kind shares. Errors name the flag and
// the value in one line.
type Values interface {
	// Mode is the mode of the run.
	Mode() check.Mode
	// String is the flag's value, trimmed.
	String(name string) string
	// IsSet reports whether anything gives the flag (and the mode reads it).
	IsSet(name string) bool
	// Bool, Whole and Duration parse the flag's value (a duration may be whole seconds).
	Bool(name string) (bool, error)
	Whole(name string) (uint64, error)
	Duration(name string) (time.Duration, error)
	// Headers are the header flag's headers.
	Headers(name string) (http.Header, error)
	// Endpoint validates an endpoint's URL flag, its JWT secret file flag and its header flag (a
	// flag "" is not read); nil when the URL flag is empty.
	Endpoint(role check.Role, urlFlag, secretFlag, headerFlag string) (*Endpoint, error)
	// Warn adds a warning, printed on stderr before the run (not under -q).
	Warn(format string, args ...any)
	// Check is the run's thresholds; Timeout its per-request timeout; Bound the run's bound
	// (interval + timeout and a margin); TLS the TLS settings of every endpoint, nil for the
	// system's.
	Check() check.Config
	Timeout() time.Duration
	Bound() time.Duration
	TLS() *tls.Config
	// Planned is the source of the role of that name another kind planned before this one (the
	// registry's order), for a kind that judges against it or asks it more.
	Planned(role string) (Source, bool)
	// Role is the role of that name a registered kind declares.
	Role(name string) (check.Role, bool)
}

// Endpoint is a validated endpoint: its role, its URL and how to reach it.
type Endpoint struct {
	Role check.Role
	URL  string
	Opts rpc.Options
}
