package stack

import (
	"testing"
	"unsafe"
)

// deep has an 8 KB frame, more than a new goroutine's 2 KB stack holds.
//
//go:noinline
func deep(n int) byte {
	var b [8 << 10]byte
	b[n%len(b)] = byte(n)
	return b[(n*7)%len(b)]
}

// moved reports whether the calling goroutine's stack was copied while deep ran, after reserving
// first or not: a copied stack moves its locals, and a uintptr taken before is not adjusted.
func moved(reserveFirst bool) bool {
	ch := make(chan bool)
	go func() {
		if reserveFirst {
			Reserve()
		}
		var x byte
		before := uintptr(unsafe.Pointer(&x))
		x = deep(int(x) + 3)
		ch <- uintptr(unsafe.Pointer(&x)) != before
	}()
	return <-ch
}

func TestReserve_NoCopyDeeper(t *testing.T) {
	if !moved(false) {
		t.Fatal("a fresh goroutine calling an 8 KB frame kept its stack: the test cannot tell a reserved stack")
	}
	if moved(true) {
		t.Error("after Reserve, an 8 KB frame still copied the stack")
	}
}
