// Minimal Hardhat 2 config used ONLY by verifier-contracts/local-chain.ts to run
// `hardhat node` (a real local EVM over JSON-RPC) for verifier tests.
//
// Why .cjs: the package is ESM ("type":"module") and Hardhat 2 loads its config with require().
// Why no `solidity` section: contracts are compiled with the npm `solc` package
// (verifier-contracts/solc.ts); Hardhat's own compile step would download a compiler,
// and the test machines are offline.
// Every knob comes from an env var set by local-chain.ts, so that module stays the single
// source of truth (chain id, mnemonic, gas limit); the defaults only matter when this
// config is used by hand: `npx hardhat node --config verifier-contracts/hardhat.config.cjs`.
"use strict";

const os = require("node:os");
const path = require("node:path");

const env = process.env;
// Hardhat's well-known dev mnemonic: the accounts are deterministic and public (test only).
const mnemonic = env.ZKINFER_CHAIN_MNEMONIC || "test test test test test test test test test test test junk";
// Hardhat watches <artifacts>/build-info while the node runs; point it (and the cache) outside
// the repository so a test run never leaves files in the tree.
const scratch = env.ZKINFER_CHAIN_SCRATCH || path.join(os.tmpdir(), "zkinfer-hardhat");

module.exports = {
  defaultNetwork: "hardhat",
  networks: {
    hardhat: {
      chainId: Number(env.ZKINFER_CHAIN_ID || 31337),
      // Verifiers for big circuits have many public inputs: allow large code and blocks.
      allowUnlimitedContractSize: true,
      blockGasLimit: Number(env.ZKINFER_CHAIN_BLOCK_GAS_LIMIT || 1_000_000_000),
      gas: "auto",
      accounts: {
        mnemonic,
        count: Number(env.ZKINFER_CHAIN_ACCOUNTS || 10),
        accountsBalance: "10000000000000000000000000",
      },
      // Keep the output small: the parent reads stdout for the "Started ... server" line.
      loggingEnabled: false,
    },
  },
  paths: {
    cache: path.join(scratch, "cache"),
    artifacts: path.join(scratch, "artifacts"),
  },
};
