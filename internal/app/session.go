package app

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/rpc"
	"github.com/headprobe/headprobe/statefile"
)

// Session is what the checks of one process share: the endpoints' clients (so `watch` reuses its
// connections), the state file's marks and where warnings go. Its checks may run concurrently.
type Session struct {
	cfg *config.Config
	// mu guards marks and the targets' Previous marks, and orders the writes of the state file,
	// the textfile and the warnings: each check starts from the marks recorded before it.
	mu    sync.Mutex
	marks map[string]check.Mark
	// targets are the endpoints' check views, in the order of cfg.Endpoints.
	targets []check.Target
	stderr  io.Writer
	// inMemory keeps the marks from one check to the next without a state file (watch).
	inMemory bool
	// stateWarned is set when loading already warned about the state file, which covers what
	// saving it would say: it is not headprobe's and is left as it is.
	stateWarned bool
	// parts are the endpoints judged by more than a head, made from the kinds' planned parts in
	// judging order; those holding connections are closed with the session.
	parts []check.Part
}

// Open prints the configuration's warnings, loads the state file and makes the targets;
// show, when not nil, displays each sample's progress.
func Open(cfg *config.Config, stderr io.Writer, show *Progress) *Session {
	s := &Session{cfg: cfg, marks: map[string]check.Mark{}, stderr: stderr}
	for _, w := range cfg.Warnings {
		s.Warn(w)
	}
	if cfg.StateFile != "" {
		var w string
		if s.marks, w = statefile.Load(cfg.StateFile); w != "" {
			s.Warn(config.Warning("%s", w))
			s.stateWarned = true
		}
	}
	for _, e := range cfg.Endpoints {
		s.targets = append(s.targets, s.target(e, show))
	}
	sources := make(map[string]check.Source, len(s.targets))
	for _, t := range s.targets {
		sources[t.Role.Name] = t.Source
	}
	for _, p := range cfg.Parts {
		if part := p.New(sources); part != nil {
			s.parts = append(s.parts, part)
		}
	}
	return s
}

// target makes the check's view of an endpoint, with its mark from the state file.
func (s *Session) target(e config.Endpoint, show *Progress) check.Target {
	var src check.Source
	if e.Source != nil {
		src = e.Source(e.URL, e.Opts)
	} else {
		src = rpc.New(e.URL, e.Opts)
	}
	t := check.Target{Role: e.Role, URL: rpc.Redact(e.URL), Source: src, OnSample: show.Sample(e.Role.Name)}
	if s.cfg.StateFile != "" {
		t.Remember = true
		if m, ok := s.marks[statefile.Key(e.Role.Name, e.URL)]; ok {
			t.Previous = &m
		}
	}
	return t
}

// rememberAcrossChecks keeps each check's marks for the next one, with or without a state file,
// so that a session of many checks (watch) judges progress across them (--max-stall).
func (s *Session) RememberAcrossChecks() {
	s.inMemory = true
	for i := range s.targets {
		s.targets[i].Remember = true
	}
}

// check runs one check within the run's bound, on a copy of the targets with their marks as
// recorded so far.
func (s *Session) Check(ctx context.Context) check.Result {
	ctx, cancel := context.WithTimeout(ctx, config.RunBound(s.cfg))
	defer cancel()
	return check.Run(ctx, check.SystemClock{}, s.cfg.Mode, s.cfg.Check, s.snapshot(), s.cfg.Relations, s.parts...)
}

// snapshot is a copy of the targets, taken under the lock: record replaces a Previous mark, never
// changes one, so the copy stays as it was while other checks record theirs.
func (s *Session) snapshot() []check.Target {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]check.Target(nil), s.targets...)
}

// record keeps what a finished check learnt: the marks (for the next check and the state file,
// unless the check was cut short) and the Prometheus textfile.
func (s *Session) Record(r check.Result, complete bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if complete && (s.inMemory || s.cfg.StateFile != "") {
		for _, e := range r.Endpoints {
			i := s.index(e.Role.Name)
			if e.Mark == nil || i < 0 {
				continue
			}
			m := *e.Mark
			s.targets[i].Previous = &m
			s.marks[statefile.Key(e.Role.Name, s.cfg.Endpoints[i].URL)] = m
		}
	}
	save(files{stateFile: s.cfg.StateFile, marks: s.marks, complete: complete, textfile: s.cfg.Textfile,
		series: []report.Series{{Labels: s.cfg.Labels, Result: r}}, stateWarned: s.stateWarned}, s.Warn)
}

// index is the position of the endpoint of that role among the targets, or -1.
func (s *Session) index(role string) int {
	for i, t := range s.targets {
		if t.Role.Name == role {
			return i
		}
	}
	return -1
}

// warn writes a line on stderr unless quiet.
func (s *Session) Warn(msg string) {
	if !s.cfg.Quiet {
		fmt.Fprintln(s.stderr, msg)
	}
}

// close releases the endpoints' connections and the parts'.
func (s *Session) Close() {
	for _, t := range s.targets {
		if c, ok := t.Source.(interface{ Close() }); ok {
			c.Close()
		}
	}
	for _, p := range s.parts {
		if c, ok := p.(io.Closer); ok {
			c.Close()
		}
	}
}
