// Package realstack is the end-to-end tier on the real OP stack: the compiled headprobe against
// op-geth, op-node, op-conductor and op-batcher (internal/opstack) on loopback. It runs only when
// HEADPROBE_OPSTACK=1 (.ci/run sets it); otherwise every test skips with a message saying so.
package realstack
