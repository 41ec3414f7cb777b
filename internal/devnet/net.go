package devnet

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Options configures Start.
type Options struct {
	Period time.Duration // block period of the L2, and of the builder once it diverges (0 = manual Seal)
	Dir    string        // where to write the JWT secret file (required; tests pass t.TempDir())
	Secret []byte        // optional 32-byte secret; random when nil
	// BuilderDiverges makes the builder seal blocks of its own from the start instead of following
	// the L2: the two then share only the genesis, like a builder on a fork.
	BuilderDiverges bool
}

// Net is an L2 node and a builder node sharing one JWT secret, like an OP-stack sequencer with
// rollup-boost. The builder follows the L2 as op-rbuilder follows op-geth: one genesis, and it
// imports every block the L2 seals, unless it is stalled (it lags) or diverges (a fork).
type Net struct {
	L2, Builder   *Node
	JWTSecretFile string // path of the hex file (0x-less 64 hex chars + newline), mode 0600
	Secret        []byte // the 32 raw bytes
}

// Start writes the JWT secret and starts the L2, sealing every Period (or on Seal), and the
// builder, following it.
func Start(opts Options) (*Net, error) {
	if opts.Dir == "" {
		return nil, errors.New("devnet: Options.Dir is required")
	}
	secret := bytes.Clone(opts.Secret)
	if secret == nil {
		var err error
		if secret, err = randomSecret(); err != nil {
			return nil, err
		}
	}
	file := filepath.Join(opts.Dir, "jwt.hex")
	if err := WriteSecretFile(file, secret); err != nil {
		return nil, err
	}
	l2, err := StartNode(NodeConfig{Name: "l2", Period: opts.Period, JWTSecretFile: file})
	if err != nil {
		return nil, err
	}
	builder, err := StartNode(NodeConfig{Name: "builder", Follow: l2, Diverged: opts.BuilderDiverges, Period: opts.Period, JWTSecretFile: file})
	if err != nil {
		return nil, errors.Join(err, l2.Close())
	}
	return &Net{L2: l2, Builder: builder, JWTSecretFile: file, Secret: secret}, nil
}

// Close closes both nodes; calling it again is a no-op.
func (n *Net) Close() error {
	var err error
	if n.L2 != nil {
		err = errors.Join(err, n.L2.Close())
	}
	if n.Builder != nil {
		err = errors.Join(err, n.Builder.Close())
	}
	if err != nil {
		return fmt.Errorf("devnet: close: %w", err)
	}
	return nil
}
