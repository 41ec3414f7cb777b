// Package execution is the kind of the sequencer's execution endpoints: the L2 execution client
// (op-geth, op-reth), whose failure means no blocks, and the external block builder behind
// rollup-boost (op-rbuilder), judged by health alone, with the builder's relations to the L2.
package execution
