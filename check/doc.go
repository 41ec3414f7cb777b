// Package check is headprobe's pure core: it observes each role's endpoint through a Source,
// judges it by the mode's criteria, checks named Relations between two roles (chain id, lag,
// fork), gives every failing endpoint a typed Cause, and passes the verdict in rollup-boost's
// order: a failing Unavailable role first, then a failing Partial role. It does no I/O of its
// own and reads no clock but the one it is given.
package check
