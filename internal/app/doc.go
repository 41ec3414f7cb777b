// Package app is the run behind the commands: a session (the endpoints' clients and the parts made
// from a config.Config, the state file's marks) and its checks, the one-shot probe and its
// rendering, the fleet scheduler, the progress shown on a terminal, the one recover-to-Unknown,
// and the one place the state file and the textfile are saved (files.go).
package app
