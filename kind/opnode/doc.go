// Package opnode is the kind of the sequencer's consensus client, op-node: judged through its sync
// status as a head, compared with the L2's block at its unsafe height, with op-conductor's safe
// head and peer checks.
package opnode
