// Package cli is headprobe's command line: flags and environment → a validated configuration →
// a session (the endpoints' clients, the state file's marks) → the commands health, ready, live
// and watch, rendered in the chosen format. Run is the whole program but the signals and the exit;
// Parse reads a command line as Run would, without probing, for the deploy recipes' tests.
package cli
