package watch

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
)

// roleDetail is a part's detail that watch follows, as op-conductor's.
type roleDetail string

func (d roleDetail) Line() string           { return string(d) + ", active" }
func (d roleDetail) Doc() any               { return nil }
func (d roleDetail) Series() []check.Series { return nil }
func (d roleDetail) Label() string          { return string(d) }

var conductorRole = check.Role{Name: "conductor", Title: "op-conductor", Failure: check.Partial, Modes: []check.Mode{check.Health}}

// withRole is a healthy result whose conductor has that role.
func withRole(role string) check.Result {
	r := heads(check.Healthy, 100, 100)
	r.Parts = []check.Finding{{Role: conductorRole, Reason: role + ", active", Detail: roleDetail(role)}}
	return r
}

func TestWatch_FollowsTheConductorsRole(t *testing.T) {
	clock := newFakeClock()
	w := New(clock.Now)
	for _, role := range []string{"follower", "follower", "leader", "leader"} {
		w.Observe(withRole(role))
		clock.advance(2 * time.Second)
	}
	changes := w.LabelChanges()
	if len(changes) != 1 || changes[0].Part != "conductor" || changes[0].From != "follower" || changes[0].To != "leader" || !changes[0].At.Equal(t0.Add(4*time.Second)) {
		t.Fatalf("changes %+v, want one, follower → leader at +4s", changes)
	}
	var line bytes.Buffer
	w.Line(&line)
	if !strings.Contains(line.String(), " l2=#100 builder=#100 lag=0 conductor=leader ") {
		t.Errorf("line %q", line.String())
	}
	var screen bytes.Buffer
	w.Screen(&screen, 2*time.Second, false)
	for _, want := range []string{"  conductor  ok      leader, active\n", "role changes:\n  2026-11-25T12:00:04Z  conductor follower → leader\n"} {
		if !strings.Contains(screen.String(), want) {
			t.Errorf("screen lacks %q:\n%s", want, screen.String())
		}
	}
}

func TestWatch_RoleChangesAreBounded(t *testing.T) {
	w := New(newFakeClock().Now)
	for i := range 100 {
		w.Observe(withRole([]string{"leader", "follower"}[i%2]))
	}
	if n := len(w.LabelChanges()); n != MaxChanges {
		t.Errorf("%d changes kept, want %d", n, MaxChanges)
	}
}

func TestWatch_WithoutPartsNothingChanges(t *testing.T) {
	w := New(newFakeClock().Now)
	w.Observe(heads(check.Healthy, 100, 100))
	var screen bytes.Buffer
	w.Screen(&screen, 2*time.Second, false)
	if strings.Contains(screen.String(), "role changes") || len(w.LabelChanges()) != 0 {
		t.Errorf("screen:\n%s", screen.String())
	}
}
