/**
 * Starts a real local EVM node (Hardhat 2's `hardhat node`) as a child process, serving JSON-RPC
 * on 127.0.0.1, so verifier contracts are deployed and called exactly as on a live chain
 * (real transactions, real gas), not through an in-process simulation.
 *
 * Config: verifier-contracts/hardhat.config.cjs, which reads the ZKINFER_CHAIN_* variables set
 * here. Works offline: Hardhat's node needs no compiler download and telemetry is off.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { HDNodeWallet, JsonRpcProvider, Network } from "ethers";
import { VerifierContractsError } from "./errors.ts";

export interface LocalChainOptions {
  /** TCP port; default 0: the OS picks a free one and we read it from Hardhat's banner. */
  port?: number;
  /** Chain id (default 31337, Hardhat's). */
  chainId?: number;
  /** Number of funded dev accounts (default 10). */
  accounts?: number;
  /** Block gas limit (default 1e9: large verifiers deploy in one block). */
  blockGasLimit?: number;
  /** How long to wait for `eth_chainId` to answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface LocalChain {
  rpcUrl: string;
  chainId: number;
  /** Private keys of the funded dev accounts, in eth_accounts order. */
  privateKeys: string[];
  provider: JsonRpcProvider;
  /** Kills the node and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

// Hardhat's public dev mnemonic: the same accounts on every run (never use on a live network).
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const CONFIG = fileURLToPath(new URL("./hardhat.config.cjs", import.meta.url));
const CHILD = fileURLToPath(new URL("./hardhat-node-child.cjs", import.meta.url));
const BANNER = /JSON-RPC server at (http:\/\/[^\s/]+)\/?/;

export async function startLocalChain(opts: LocalChainOptions = {}): Promise<LocalChain> {
  const { port = 0, chainId = 31337, accounts = 10, blockGasLimit = 1_000_000_000 } = opts;
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  for (const [name, v] of Object.entries({ port, chainId, accounts, blockGasLimit, startTimeoutMs: timeoutMs })) {
    if (!Number.isSafeInteger(v) || v < (name === "port" ? 0 : 1)) {
      throw new VerifierContractsError(`startLocalChain: option ${name} must be a ${name === "port" ? "non-negative" : "positive"} integer, got ${v}`);
    }
  }
  // Fail early (and clearly) if the devDependency is missing.
  try { createRequire(import.meta.url).resolve("hardhat/internal/cli/bootstrap.js"); } catch {
    throw new VerifierContractsError("startLocalChain: package 'hardhat' (devDependency) is not installed");
  }

  const child = spawn(process.execPath, [CHILD, "node", "--config", CONFIG, "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: ["pipe", "pipe", "pipe"], // stdin kept open: the child exits when it closes (see hardhat-node-child.cjs)
    env: {
      ...process.env,
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      CI: "true", // Hardhat then never sends analytics nor prints banners, whatever the user consented to
      ZKINFER_CHAIN_ID: String(chainId),
      ZKINFER_CHAIN_MNEMONIC: DEV_MNEMONIC,
      ZKINFER_CHAIN_ACCOUNTS: String(accounts),
      ZKINFER_CHAIN_BLOCK_GAS_LIMIT: String(blockGasLimit),
    },
  });
  // Belt and braces for a normal parent exit (the stdin pipe covers crashes and SIGKILL).
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
  child.stderr.on("data", (d: Buffer) => { err = (err + d.toString()).slice(-4_000); });
  const tail = () => `stderr tail:\n${err.trim().split("\n").slice(-20).join("\n") || "(empty)"}`;

  let provider: JsonRpcProvider | undefined;
  const stop = async () => {
    provider?.destroy();
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    }
  };

  try {
    const deadline = Date.now() + timeoutMs;
    // 1. Wait for the banner carrying the real URL (with port 0, only Hardhat knows the port).
    let rpcUrl: string | undefined;
    while (!(rpcUrl = BANNER.exec(out)?.[1])) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new VerifierContractsError(`hardhat node (${CONFIG}) exited with ${child.exitCode ?? child.signalCode} before serving; ${tail()}`);
      }
      if (Date.now() > deadline) throw new VerifierContractsError(`hardhat node (${CONFIG}) did not start within ${timeoutMs} ms; ${tail()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    // 2. Wait until JSON-RPC answers eth_chainId. staticNetwork: skip ethers' network probing.
    // cacheTimeout -1: ethers otherwise answers a repeated request from a 250 ms cache, so two
    // transactions sent back to back by one signer read the same (stale) nonce on automine.
    provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    for (;;) {
      try {
        const got = Number(await provider.send("eth_chainId", []));
        if (got !== chainId) throw new VerifierContractsError(`hardhat node at ${rpcUrl} reports chain id ${got}, expected ${chainId} (config ${CONFIG})`);
        break;
      } catch (e) {
        if (e instanceof VerifierContractsError) throw e;
        if (Date.now() > deadline) throw new VerifierContractsError(`hardhat node at ${rpcUrl} did not answer eth_chainId within ${timeoutMs} ms; ${tail()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    // 3. Derive the dev keys (m/44'/60'/0'/0/i) and check they are the node's accounts.
    const root = HDNodeWallet.fromPhrase(DEV_MNEMONIC, "", "m/44'/60'/0'/0");
    const wallets = Array.from({ length: accounts }, (_, i) => root.deriveChild(i));
    const nodeAccounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) => a.toLowerCase());
    if (wallets.some((w, i) => w.address.toLowerCase() !== nodeAccounts[i])) {
      throw new VerifierContractsError(`hardhat node accounts do not match mnemonic-derived keys (config ${CONFIG})`);
    }
    return { rpcUrl, chainId, privateKeys: wallets.map((w) => w.privateKey), provider, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
