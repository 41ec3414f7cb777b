// Package kind is the contract between headprobe's wiring and its endpoint kinds: a kind declares
// its flags (names, help, the modes that read them), turns their values into what a run judges
// (sources of heads, the relations between them, parts), and says where each stands in the
// judging order. The registry of kinds is package kind/registry; each kind is one package beside it.
package kind
