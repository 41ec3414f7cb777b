// Package cli is headprobe's command line: the urfave/cli commands (health, ready, live, watch,
// serve) and their help, and the run behind them: a session (the endpoints' clients, the state
// file's marks), the one-shot probe, the fleet scheduler, the one recover-to-Unknown, and the
// one place the state file and the textfile are saved. The flags' values and their validation
// are package config's. Run is the whole program but the signals and the exit; Parse reads a
// command line as Run would, without probing, for the deploy recipes' tests.
package cli
