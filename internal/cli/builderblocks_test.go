package cli

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/headprobe/headprobe/kind/builderblocks"
)

const testSigner = "0x000000000000000000000000000000000000b1D0"

func TestBuilderBlocks_Flags(t *testing.T) {
	lower := strings.ToLower(testSigner)
	cfg := mustParse(t, hp("--l2", "http://l2:1", "--builder-signer", lower), nil)
	bb, ok := partOf[*builderblocks.Part](cfg)
	o := bb.Options()
	if !ok || o.Marks.Signer != common.HexToAddress(lower) || o.Window != 10 || o.Min != 1 || o.Marks.Contract != nil {
		t.Fatalf("defaults %+v", o)
	}
	cfg = mustParse(t, hp("--l2", "http://l2:1", "--builder-blocks", "20", "--min-builder-blocks", "0", "--builder-contract", "0x4200000000000000000000000000000000000042"),
		map[string]string{"HEADPROBE_BUILDER_SIGNER": " " + lower + "\n"})
	if bb, ok := partOf[*builderblocks.Part](cfg); !ok || bb.Options().Window != 20 || bb.Options().Min != 0 || bb.Options().Marks.Contract == nil || *bb.Options().Marks.Contract != common.HexToAddress("0x4200000000000000000000000000000000000042") {
		t.Fatalf("from the environment: %+v", bb)
	}
	checksummed := common.HexToAddress(lower).Hex() // EIP-55 mixed case, as explorers show it
	if cfg := mustParse(t, hp("--l2", "http://l2:1", "--builder-signer", checksummed), nil); !hasPart[*builderblocks.Part](cfg) {
		t.Errorf("%s refused", checksummed)
	}
	if cfg := mustParse(t, hp("--l2", "http://l2:1"), nil); hasPart[*builderblocks.Part](cfg) {
		t.Errorf("without --builder-signer: %+v", cfg.Parts)
	}
	for _, mode := range []string{"ready", "live"} { // health only: ignored entirely, as the builder's flags
		if cfg := mustParse(t, hp(mode, "--l2", "http://l2:1", "--builder-signer", "garbage"), nil); hasPart[*builderblocks.Part](cfg) {
			t.Errorf("%s judges the builder's blocks", mode)
		}
	}
}

// A malformed address on the command line or in the environment is refused before any I/O
// (exit 3), naming the flag.
func TestBuilderBlocks_BadValuesRefused(t *testing.T) {
	l2 := []string{"--l2", "http://l2:1"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--builder-signer", "0xb1d"}, `--builder-signer must be an address, 0x and 40 hex digits (specified: "0xb1d")`},
		{[]string{"--builder-signer", strings.TrimPrefix(testSigner, "0x")}, "--builder-signer must be an address, 0x and 40 hex digits"},
		{[]string{"--builder-signer", "0x" + strings.Repeat("zz", 20)}, "--builder-signer must be an address"},
		{[]string{"--builder-signer", "0x" + strings.Repeat("0", 40)}, "--builder-signer is the zero address"},
		{[]string{"--builder-signer", "0x000000000000000000000000000000000000B1d0"}, "fails its EIP-55 checksum"},
		{[]string{"--builder-signer", testSigner, "--builder-contract", "contract"}, "--builder-contract must be an address"},
		{[]string{"--builder-signer", testSigner, "--builder-blocks", "0"}, "--builder-blocks must be 1 to 1000"},
		{[]string{"--builder-signer", testSigner, "--builder-blocks", "1001"}, "--builder-blocks must be 1 to 1000"},
		{[]string{"--builder-signer", testSigner, "--builder-blocks", "ten"}, `--builder-blocks must be a whole number (specified: "ten")`},
		{[]string{"--builder-signer", testSigner, "--builder-blocks", "5", "--min-builder-blocks", "6"}, "--min-builder-blocks 6 is more than --builder-blocks 5"},
	} {
		mustRefuse(t, hp(append(l2, tc.args...)...), nil, tc.want)
	}
	mustRefuse(t, hp(l2...), map[string]string{"HEADPROBE_BUILDER_SIGNER": "0x12"}, "--builder-signer must be an address")
}

func TestBuilderBlocks_FlagsWithoutSigner_Warn(t *testing.T) {
	cfg := mustParse(t, hp("--l2", "http://l2:1", "--builder-blocks", "5"), nil)
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "--builder-blocks counts the builder's blocks, and no --builder-signer is given") {
		t.Errorf("warnings %q", cfg.Warnings)
	}
}
