package opstack

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/params"
)

// The devnet's chain facts (../shared/opstack.md, "The devnet without L1 contracts").
const (
	// L2ChainID is the L2's chain id (and op-geth's --networkid).
	L2ChainID = 901
	// L1ChainID is geth --dev's chain id.
	L1ChainID = 1337
	// BlockTime is the L2's block time in seconds.
	BlockTime = 2
	// devKeyHex is geth --dev's fixed, funded and unlocked key: batcher and deployer here.
	devKeyHex = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"
	// sequencerKeyHex signs the sequencer's gossiped blocks (--p2p.sequencer.key); any key does.
	sequencerKeyHex = "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"
	// jovianExtraData is the genesis extraData in Jovian's format: version 1, EIP-1559
	// denominator 250, elasticity 6, min base fee 0 (eip1559.EncodeJovianExtraData(250, 6, 0)).
	jovianExtraData = "0x01000000fa000000060000000000000000"
	// unsafeSignerSlot is SystemConfig's storage slot of the unsafe-block signer, which
	// verifiers read through eth_getProof.
	unsafeSignerSlot = "65a7ed542fb37fe237fdfbdd70b31598523fe5b32879e307bae27a0bd9581c08"
	gasLimit         = 60_000_000
)

// Fixed addresses with no code: op-node only compares against them.
var (
	batchInbox      = common.HexToAddress("0xff00000000000000000000000000000000000901")
	depositContract = common.HexToAddress("0x0000000000000000000000000000000000d0d0d0")
	// devAddress is devKeyHex's address.
	devAddress = common.HexToAddress("0x71562b71999873DB5b286dF957af199Ec94617F7")
)

// systemConfigInitCode is a 60-byte contract creation (1+20+1+32+6 bytes) that stores signer in
// the unsafe-block signer slot and returns the runtime code 0x00: PUSH20 signer, PUSH32 slot,
// SSTORE, then RETURN one byte of memory (zero).
func systemConfigInitCode(signer common.Address) string {
	return "0x73" + common.Bytes2Hex(signer.Bytes()) + "7f" + unsafeSignerSlot + "5560016000f3"
}

// l2Genesis is op-geth's genesis for the L2 at time ts, written as JSON: headprobe's module uses
// go-ethereum, not op-geth, so op-geth's core.Genesis is not at hand. Every OP fork is active at
// 0, Karst with osakaTime 0 (else engine_getPayloadV5 answers "Unsupported fork"); extraData is
// Jovian's; the alloc holds the EIP-2935 and EIP-4788 system contracts and funds funded.
func l2Genesis(ts uint64, funded ...common.Address) map[string]any {
	zero := 0
	config := map[string]any{"chainId": L2ChainID, "terminalTotalDifficulty": 0, "depositContractAddress": depositContract}
	for _, k := range []string{"homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock",
		"constantinopleBlock", "petersburgBlock", "istanbulBlock", "muirGlacierBlock", "berlinBlock", "londonBlock",
		"arrowGlacierBlock", "grayGlacierBlock", "mergeNetsplitBlock", "bedrockBlock"} {
		config[k] = zero
	}
	for _, k := range []string{"shanghaiTime", "cancunTime", "pragueTime", "osakaTime", "regolithTime", "canyonTime",
		"ecotoneTime", "fjordTime", "graniteTime", "holoceneTime", "isthmusTime", "jovianTime", "karstTime"} {
		config[k] = zero
	}
	config["optimism"] = map[string]any{"eip1559Elasticity": 6, "eip1559Denominator": 50, "eip1559DenominatorCanyon": 250}
	alloc := map[string]any{
		params.HistoryStorageAddress.Hex(): map[string]any{"code": hexutil.Bytes(params.HistoryStorageCode), "nonce": "0x1", "balance": "0x0"},
		params.BeaconRootsAddress.Hex():    map[string]any{"code": hexutil.Bytes(params.BeaconRootsCode), "nonce": "0x1", "balance": "0x0"},
	}
	rich := (*hexutil.Big)(new(big.Int).Lsh(big.NewInt(1), 100))
	for _, a := range funded {
		alloc[a.Hex()] = map[string]any{"balance": rich}
	}
	return map[string]any{
		"config":        config,
		"nonce":         "0x0",
		"timestamp":     hexutil.Uint64(ts),
		"extraData":     jovianExtraData,
		"gasLimit":      hexutil.Uint64(gasLimit),
		"difficulty":    "0x0",
		"mixHash":       common.Hash{},
		"coinbase":      common.Address{},
		"number":        "0x0",
		"gasUsed":       "0x0",
		"parentHash":    common.Hash{},
		"baseFeePerGas": hexutil.Uint64(params.GWei),
		"excessBlobGas": "0x0",
		"blobGasUsed":   "0x0",
		"alloc":         alloc,
	}
}

// l1Ref is an L1 block op-node starts from.
type l1Ref struct {
	Hash   common.Hash
	Number uint64
	Time   uint64
}

// rollupConfigFor is op-node's rollup.json for the L2 whose genesis hash is l2Genesis, started
// from the L1 block l1, with the SystemConfig stand-in at systemConfig; every fork at 0.
func rollupConfigFor(l1 l1Ref, l2Genesis common.Hash, systemConfig common.Address) map[string]any {
	cfg := map[string]any{
		"genesis": map[string]any{
			"l1":      map[string]any{"hash": l1.Hash, "number": l1.Number},
			"l2":      map[string]any{"hash": l2Genesis, "number": 0},
			"l2_time": l1.Time,
			"system_config": map[string]any{
				"batcherAddr":       devAddress,
				"overhead":          common.Hash{},
				"scalar":            "0x010000000000000000000000000000000000000000000000000c5fc500000558",
				"gasLimit":          gasLimit,
				"eip1559Params":     "0x0000000000000000",
				"operatorFeeParams": common.Hash{},
				"minBaseFee":        0,
			},
		},
		"block_time":               BlockTime,
		"max_sequencer_drift":      600,
		"seq_window_size":          3600,
		"channel_timeout":          300,
		"l1_chain_id":              L1ChainID,
		"l2_chain_id":              L2ChainID,
		"batch_inbox_address":      batchInbox,
		"deposit_contract_address": depositContract,
		"l1_system_config_address": systemConfig,
		"chain_op_config":          map[string]any{"eip1559Elasticity": 6, "eip1559Denominator": 50, "eip1559DenominatorCanyon": 250},
	}
	for _, k := range []string{"regolith_time", "canyon_time", "delta_time", "ecotone_time", "fjord_time",
		"granite_time", "holocene_time", "isthmus_time", "jovian_time", "karst_time"} {
		cfg[k] = 0
	}
	return cfg
}

// writeJSON writes v as indented JSON to path.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("opstack: %s: %w", path, err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
