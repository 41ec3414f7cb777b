// Package rpc is headprobe's JSON-RPC adapter: a Client over go-ethereum's rpc that fetches an
// endpoint's unsafe head (and, for the fork check, an older block's hash) over http(s), ws(s) or
// IPC, with a JWT secret, extra headers and TLS files, and explains every failed request as a
// *Failure of a stable Class in one short line that carries no URL and no secret. It also
// validates and redacts endpoint URLs, reads secret files, and exports OneLine, the one way text is
// folded onto a printable line.
package rpc
