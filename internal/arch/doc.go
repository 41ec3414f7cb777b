// Package arch holds the test that keeps architecture.md true: every package's imports of
// headprobe's own packages are among those its row allows.
package arch
