// Package cli is headprobe's command line: the urfave/cli commands (health, ready, live, watch,
// serve), their help, and the refusal of a bad command line. The flags' values and their
// validation are package config's; the run behind each command, package app's. Run is the whole
// program but the signals and the exit; Parse reads a command line as Run would, without probing,
// for the deploy recipes' tests.
package cli
