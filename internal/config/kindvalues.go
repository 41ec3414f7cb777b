package config

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/kind/registry"
	"github.com/headprobe/headprobe/rpc"
)

// kindValues are the flags' values as a kind reads them (kind.Values): layered as str finds them
// (command line, environment, targets file, default), a flag the mode does not read at its
// default, and the run's shared settings.
type kindValues struct {
	c       *cli.Context
	cfg     *Config
	planned []kind.Source // the sources the kinds before this one planned
}

// Mode is the run's mode.
func (v *kindValues) Mode() check.Mode { return v.cfg.Mode }

// String is the flag's value, trimmed; its default when the mode does not read it.
func (v *kindValues) String(name string) string {
	return strings.TrimSpace(ReadOr(v.c, v.cfg.Mode, name))
}

// IsSet reports whether the mode reads the flag and anything gives it.
func (v *kindValues) IsSet(name string) bool { return Reads(v.cfg.Mode, name) && IsSet(v.c, name) }

// Bool is a boolean flag's value; false when the mode does not read it.
func (v *kindValues) Bool(name string) (bool, error) {
	if !Reads(v.cfg.Mode, name) {
		return false, nil
	}
	return FlagBool(v.c, name)
}

// Whole is a whole-number flag's value.
func (v *kindValues) Whole(name string) (uint64, error) {
	return ParseWhole(name, ReadOr(v.c, v.cfg.Mode, name))
}

// Duration is a duration flag's value: a Go duration, or whole seconds.
func (v *kindValues) Duration(name string) (time.Duration, error) {
	return ParseDuration(name, ReadOr(v.c, v.cfg.Mode, name))
}

// Headers are a header flag's headers; none when the mode does not read it.
func (v *kindValues) Headers(name string) (http.Header, error) {
	if !Reads(v.cfg.Mode, name) {
		return nil, nil
	}
	lines, err := HeaderLines(v.c, name)
	if err != nil {
		return nil, err
	}
	h, err := rpc.ParseHeaders(lines)
	if err != nil {
		return nil, fmt.Errorf("--%s: %v", name, err)
	}
	return h, nil
}

// Endpoint validates an endpoint's flags; nil when the mode does not read its URL flag or nothing
// gives it.
func (v *kindValues) Endpoint(role check.Role, urlFlag, secretFlag, headerFlag string) (*kind.Endpoint, error) {
	if !Reads(v.cfg.Mode, urlFlag) {
		return nil, nil
	}
	e, err := v.cfg.endpoint(v.c, role, urlFlag, secretFlag, headerFlag)
	if e == nil || err != nil {
		return nil, err
	}
	return &kind.Endpoint{Role: e.Role, URL: e.URL, Opts: e.Opts}, nil
}

// Warn adds a warning.
func (v *kindValues) Warn(format string, args ...any) {
	v.cfg.Warnings = append(v.cfg.Warnings, Warning(format, args...))
}

// Check is the run's thresholds.
func (v *kindValues) Check() check.Config { return v.cfg.Check }

// Timeout is the per-request timeout.
func (v *kindValues) Timeout() time.Duration { return v.cfg.Timeout }

// Bound is the run's bound.
func (v *kindValues) Bound() time.Duration { return RunBound(v.cfg) }

// TLS is every endpoint's TLS settings, nil for the system's.
func (v *kindValues) TLS() *tls.Config { return v.cfg.TLS }

// Planned is the source of that role a kind before this one planned.
func (v *kindValues) Planned(role string) (kind.Source, bool) {
	for _, s := range v.planned {
		if s.Role.Name == role {
			return s, true
		}
	}
	return kind.Source{}, false
}

// Role is the role of that name a registered kind declares.
func (v *kindValues) Role(name string) (check.Role, bool) {
	for _, k := range registry.Kinds {
		for _, r := range k.Roles {
			if r.Name == name {
				return r, true
			}
		}
	}
	return check.Role{}, false
}
