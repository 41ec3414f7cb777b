package main

import (
	"context"
	"testing"
	"time"
)

// TestWalk_ReachesEveryStateInOrder runs the whole walkthrough on fast blocks: run returns an
// error when any step gives an unexpected verdict.
func TestWalk_ReachesEveryStateInOrder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, 200*time.Millisecond, false); err != nil {
		t.Fatal(err)
	}
}
