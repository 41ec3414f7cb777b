// Package serve is `headprobe serve`'s HTTP side: a loop that runs the health check every period,
// one at a time, and keeps the latest verdict of each mode (health, and ready and live re-judged
// from the same observations); the rule that never serves a verdict older than 2 × period +
// window + timeout as current; the handlers of /healthz, /readyz, /livez, /-/healthy and /metrics;
// and an http.Server with bounded timeouts and request size that drains when its context ends.
// It reads the clock it is given, never exits the process, and runs no check of its own: the
// caller's Probe does.
package serve
