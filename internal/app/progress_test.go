package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
)

func TestProgress_ShownOnATerminalForLongWindowsOnly(t *testing.T) {
	long := &config.Config{Mode: check.Health, Check: check.Config{Interval: 10 * time.Second}}
	for _, tc := range []struct {
		name     string
		cfg      *config.Config
		terminal bool
		shown    bool
	}{
		{"terminal, 10s window", long, true, true},
		{"not a terminal", long, false, false},
		{"1s window", &config.Config{Mode: check.Health, Check: check.Config{Interval: time.Second}}, true, false},
		{"quiet", &config.Config{Mode: check.Health, Quiet: true, Check: long.Check}, true, false},
		{"live takes one sample", &config.Config{Mode: check.Live, Check: long.Check}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			p := ProgressOn(&w, tc.cfg, tc.terminal)
			if (p != nil) != tc.shown {
				t.Fatalf("display %v, want %v", p != nil, tc.shown)
			}
			l2, builder := p.Sample("l2"), p.Sample("builder")
			if !tc.shown {
				if l2 != nil || builder != nil {
					t.Error("hooks without a display")
				}
				p.Done() // must be safe on nil
				return
			}
			l2(check.Observation{Progress: 0})
			builder(check.Observation{Progress: 2})
			p.Done()
			out := w.String()
			if !strings.Contains(out, "waiting ") || !strings.Contains(out, "of 10s") || !strings.Contains(out, "l2 +0  builder +2") {
				t.Errorf("progress line %q", out)
			}
			if !strings.HasSuffix(out, "\r\x1b[K") {
				t.Errorf("the line is not cleared at the end: %q", out)
			}
		})
	}
}
