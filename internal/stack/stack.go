// Package stack grows a goroutine's stack to its working size in one step, while few frames are
// on it, so that the runtime does not grow it again and again deeper down.
//
// A goroutine starts with a 2 KB stack. Each time it runs out, the runtime copies the stack to one
// twice the size and, to move it, reads the stack map and frame size of every function on it from
// the binary's pclntab. A probe's goroutines reach 16 KB through net/http and go-ethereum's rpc
// client, and the main goroutine through the package inits and the command line: each grows three
// times with dozens of frames on it, and the pages of the pclntab read for them stay resident. In a
// one-shot probe those reads caused over half of the pclntab's page faults, 0.6–0.8 MB of peak
// RSS (the README's P2). Reserve grows the stack once, from a single frame: internal/signals' init
// calls it for the main goroutine, before the heavy dependencies' inits run, and check.Run for each
// of its goroutines.
package stack

// frame is the size of reserve's frame: with what is below it, the stack becomes 16 KB, the most
// the main goroutine and a one-shot probe's goroutines were measured to need.
const frame = 12 << 10

// Reserve makes the calling goroutine's stack at least 16 KB, at the cost of one stack copy with
// the caller's frames on it; a goroutine already that large is left as it is. Call it first thing
// in a goroutine that will call deep.
func Reserve() { reserve(false) }

// reserve has a frame of the given size, which makes the runtime grow the stack to fit it on
// entry; use is always false, so the frame is never written and costs no resident page.
//
//go:noinline
func reserve(use bool) byte {
	if use {
		var b [frame]byte
		for i := range b {
			b[i] = byte(i)
		}
		return b[b[frame-1]]
	}
	return 0
}
