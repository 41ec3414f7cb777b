// Package opstack builds and runs the real OP stack on loopback for the devnet and the tests:
// op-geth, op-node, op-conductor and op-batcher from the pinned releases (optimism v1.19.6, the
// op-geth it pins), built through the Go toolchain into the user's cache directory (Build), and
// started as separate processes against an L1 geth --dev (Start). Nothing here is linked into the
// probe binary: the OP monorepo is built in a copy of its module, outside headprobe's module
// graph. ../shared/opstack.md holds the facts this package follows.
//
// A single sequencer with two verifiers and op-batcher:
//
//	bins, err := opstack.Build(ctx, opstack.BuildOptions{Progress: os.Stderr})
//	d, err := opstack.Start(ctx, opstack.Options{Binaries: bins})
//	defer d.Close() // stops every process by its PID, removes d.Dir
//	seq := d.Sequencers[0] // seq.EL.AuthURL (JWT: d.JWTSecretFile), seq.Node.URL, seq.Conductor.URL
//
// An HA cluster of three sequencers, each with its own builder EL (a verifier following the
// chain, Sequencer.Builder) and extra op-conductor flags, e.g. a health sidecar per sequencer:
//
//	d, err := opstack.Start(ctx, opstack.Options{
//		Binaries: bins, Sequencers: 3, BuilderPerSequencer: true,
//		ConductorFlags: func(s *opstack.Sequencer) []string {
//			// s.EL.AuthURL and s.Builder.EL.AuthURL with s.EL.JWTSecretFile; s.Node.URL.
//			url := startSidecar(s) // must answer before Start returns
//			return []string{"--rollup-boost.next-enabled", "--rollup-boost.next-healthcheck-url", url}
//		},
//	})
//
// ConductorFlags runs just before each conductor starts, when that sequencer's op-geth, op-node
// and builder run; Start resumes the conductors and returns once every one reports its sequencer
// healthy, so a sidecar that is not healthy by then fails Start. The processes can then be
// frozen (Proc.Freeze, SIGSTOP), thawed, stopped, killed and restarted; Devnet.Leader,
// Devnet.StartSequencing, Devnet.Deadlock and the wait helpers drive the scenarios.
package opstack
