package main

import (
	"strings"
	"testing"
)

// The B figures, and only they, need a -baseline build; each is judged no worse than it.
func TestFigures_BaselineOnes(t *testing.T) {
	var ids []string
	for _, f := range figures {
		if f.baseline() {
			ids = append(ids, f.ID)
			if f.Unit != "×" || f.Budget < 1 || f.Budget > sameWithin {
				t.Errorf("%s: budget %v %s, want a ratio of 1 to %v", f.ID, f.Budget, f.Unit, sameWithin)
			}
		}
	}
	if got := strings.Join(ids, ","); got != "B1,B2,B3,B4" {
		t.Errorf("baseline figures %s, want B1,B2,B3,B4", got)
	}
}

// A revision that is not a commit is refused in one line, before anything is built.
func TestBuildRevision_UnknownRevision(t *testing.T) {
	_, err := buildRevision("no-such-revision-anywhere", t.TempDir(), "", recipe{})
	if err == nil || !strings.Contains(err.Error(), `-baseline "no-such-revision-anywhere": not a commit`) {
		t.Errorf("err = %v", err)
	}
}
