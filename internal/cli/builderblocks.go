package cli

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/builderblocks"
	"github.com/headprobe/headprobe/roles"
)

// parseBuilderBlocks reads --builder-signer, --builder-contract, --builder-blocks and
// --min-builder-blocks into cfg.builderBlocks (health only); none without --builder-signer, when
// the others only warn.
func (cfg *config) parseBuilderBlocks(c *cli.Context) error {
	signer := strings.TrimSpace(str(c, flagBuilderSigner))
	if signer == "" {
		for _, f := range []string{flagBuilderContract, flagBuilderBlocks, flagMinBuilderBlocks} {
			if isSet(c, f) {
				cfg.warnings = append(cfg.warnings, warning("--%s counts the builder's blocks, and no --%s is given", f, flagBuilderSigner))
			}
		}
		return nil
	}
	o := builderblocks.Options{Against: roles.L2}
	var err error
	if o.Marks.Signer, err = address(flagBuilderSigner, signer); err != nil {
		return err
	}
	if v := strings.TrimSpace(str(c, flagBuilderContract)); v != "" {
		a, err := address(flagBuilderContract, v)
		if err != nil {
			return err
		}
		o.Marks.Contract = &a
	}
	if o.Window, err = whole(c, flagBuilderBlocks); err != nil {
		return err
	}
	if o.Window == 0 || o.Window > builderblocks.MaxWindow {
		return fmt.Errorf("--%s must be 1 to %d, the calls one batch may hold (specified: %d)", flagBuilderBlocks, builderblocks.MaxWindow, o.Window)
	}
	if o.Min, err = whole(c, flagMinBuilderBlocks); err != nil {
		return err
	}
	if o.Min > o.Window {
		return fmt.Errorf("--%s %d is more than --%s %d: the check could never pass", flagMinBuilderBlocks, o.Min, flagBuilderBlocks, o.Window)
	}
	cfg.builderBlocks = &o
	return nil
}

// address parses an address flag: 0x and 40 hex digits, not the zero address, and, in mixed case,
// with a valid EIP-55 checksum (a mistyped digit is caught).
func address(flag, v string) (common.Address, error) {
	hex, ok := strings.CutPrefix(v, "0x")
	if !ok || len(hex) != 40 || !common.IsHexAddress(v) {
		return common.Address{}, fmt.Errorf("--%s must be an address, 0x and 40 hex digits (specified: %q)", flag, clipValue(v))
	}
	a := common.HexToAddress(v)
	if a == (common.Address{}) {
		return common.Address{}, fmt.Errorf("--%s is the zero address, which no key signs as", flag)
	}
	if hex != strings.ToLower(hex) && hex != strings.ToUpper(hex) && a.Hex() != v {
		return common.Address{}, fmt.Errorf("--%s %s fails its EIP-55 checksum (mixed case): a digit is mistyped, or give it in lower case", flag, v)
	}
	return a, nil
}

// clipValue is at most 48 characters of a flag's value.
func clipValue(v string) string {
	if r := []rune(v); len(r) > 48 {
		return string(r[:48]) + "…"
	}
	return v
}
