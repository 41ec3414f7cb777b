// Package devnet starts real go-ethereum nodes in-process for the tests and cmd/devnet: an L2 and
// a builder that follows it (or diverges from it on demand), each serving JSON-RPC over HTTP and
// the JWT-authenticated Engine-API port on 127.0.0.1, sealing blocks on demand or on a period, and
// able to stall, resume, stop and restart on the same ports; and a stand-in, labelled as such, for
// rollup-boost's /healthz, which applies rollup-boost's rule to those nodes (rollupboost.go).
package devnet
