// Package flashblocks reads a flashblocks stream: the websocket on which op-rbuilder publishes
// sub-block builds of the block in progress, and rollup-boost (port 1112) and op-conductor
// republish them. It dials the stream, reads its frames in the background (JSON text frames, or
// brotli-compressed JSON binary frames, each capped at rpc.MaxResponseBytes), and judges whether
// the stream is alive and building the block after the L2's head. The message is rollup-boost's
// FlashblocksPayloadV1 (crates/rollup-boost/src/flashblocks/primitives.rs; op-alloy's
// rpc-types-engine/src/flashblock/payload.rs).
package flashblocks
