// Package e2e holds the black-box tests of the built headprobe binary: runs against real
// in-process go-ethereum nodes (internal/devnet), the fault matrix and the README's failure-modes
// table generated from it (go test -run TestFailureModesTable -update ./internal/e2e), signals,
// files, watch, serve (its HTTP answers, scraped by a real Prometheus), and the textfile read by a
// real node_exporter. It has no code outside its tests.
package e2e
