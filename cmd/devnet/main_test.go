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
	if err := run(ctx, 200*time.Millisecond, false, false); err != nil {
		t.Fatal(err)
	}
}

// TestWalk_AgainstServe runs the walkthrough against one headprobe serve: /healthz must answer
// each step's state (200, 206, 200, 206, 200, 206, 200, 206, 206, 206, 503, 503) while serve keeps running, and serve exit 0 at the end.
func TestWalk_AgainstServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, 200*time.Millisecond, false, true); err != nil {
		t.Fatal(err)
	}
}
