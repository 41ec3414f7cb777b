package builderblocks

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
)

// The builder's blocks' flags (health only).
const (
	FlagBuilderSigner    = "builder-signer"
	FlagBuilderContract  = "builder-contract"
	FlagBuilderBlocks    = "builder-blocks"
	FlagMinBuilderBlocks = "min-builder-blocks"
	category             = "Builder's blocks on the L2 (health only)"
)

// Kind is the builder's blocks landing on the L2: partial when too few of its last blocks carry
// the builder's transaction.
var Kind = kind.Kind{
	Name:   "builder-blocks",
	Roles:  []check.Role{Role},
	Causes: []check.Cause{CauseMissing},
	Flags: []kind.Flag{
		{Name: FlagBuilderSigner, Category: category, Modes: kind.HealthOnly, Usage: "partial when too few L2 blocks carry a transaction from this `ADDRESS` (the builder's key)"},
		{Name: FlagBuilderContract, Category: category, Modes: kind.HealthOnly, Usage: "flashblocks number contract `ADDRESS`: calls to it count as the builder's too"},
		{Name: FlagBuilderBlocks, Category: category, Modes: kind.HealthOnly, Default: "10", Usage: "read the L2's last `N` blocks, with their transactions, in one batch"},
		{Name: FlagMinBuilderBlocks, Category: category, Modes: kind.HealthOnly, Default: "1", Usage: "partial when fewer than `M` of them carry the builder's transaction; 0: only show the count"},
	},
	Configure: configure,
}

// configure reads --builder-signer, --builder-contract, --builder-blocks and --min-builder-blocks;
// no part without --builder-signer, when the others only warn. The part reads the blocks through
// the L2's own client, whose connection it reuses.
func configure(v kind.Values) (kind.Plan, error) {
	var p kind.Plan
	signer := v.String(FlagBuilderSigner)
	if signer == "" {
		for _, f := range []string{FlagBuilderContract, FlagBuilderBlocks, FlagMinBuilderBlocks} {
			if v.IsSet(f) {
				v.Warn("--%s counts the builder's blocks, and no --%s is given", f, FlagBuilderSigner)
			}
		}
		return p, nil
	}
	o := Options{}
	o.Against, _ = v.Role(kind.L2)
	var err error
	if o.Marks.Signer, err = address(FlagBuilderSigner, signer); err != nil {
		return p, err
	}
	if s := v.String(FlagBuilderContract); s != "" {
		a, err := address(FlagBuilderContract, s)
		if err != nil {
			return p, err
		}
		o.Marks.Contract = &a
	}
	if o.Window, err = v.Whole(FlagBuilderBlocks); err != nil {
		return p, err
	}
	if o.Window == 0 || o.Window > MaxWindow {
		return p, fmt.Errorf("--%s must be 1 to %d, the calls one batch may hold (specified: %d)", FlagBuilderBlocks, MaxWindow, o.Window)
	}
	if o.Min, err = v.Whole(FlagMinBuilderBlocks); err != nil {
		return p, err
	}
	if o.Min > o.Window {
		return p, fmt.Errorf("--%s %d is more than --%s %d: the check could never pass", FlagMinBuilderBlocks, o.Min, FlagBuilderBlocks, o.Window)
	}
	p.Parts = []kind.Part{{Rank: kind.RankBuilderWork, New: func(sources map[string]check.Source) check.Part {
		if l2, ok := sources[o.Against.Name].(Batcher); ok {
			return New(l2, o)
		}
		return nil
	}}}
	return p, nil
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
