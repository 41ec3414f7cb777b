// Package fsx is file access that never blocks and never destroys: reads that refuse a FIFO or a
// device instead of waiting on it, and an atomic write that never replaces what is not ours.
package fsx
