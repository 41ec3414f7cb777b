// Package opstack builds and runs the real OP stack on loopback for the devnet and the tests:
// op-geth, op-node, op-conductor and op-batcher from the pinned releases (optimism v1.19.6, the
// op-geth it pins), built through the Go toolchain into the user's cache directory (Build), and
// started as separate processes against an L1 geth --dev (Start). Nothing here is linked into the
// probe binary: the OP monorepo is built in a copy of its module, outside headprobe's module
// graph. ../shared/opstack.md holds the facts this package follows.
package opstack
