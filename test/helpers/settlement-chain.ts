/**
 * Pay-per-proof fixtures on a real local chain: the contracts deployed, a client that opens
 * escrow requests, the real server (service + edges) settling through a TCP relay that a test
 * can cut and restore (a real connection refused, not a mocked provider), on a SQLite file
 * that outlives one server so a restart can be tested.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Contract, Wallet } from "ethers";
import { startLocalChain, type LocalChain } from "../../verifier-contracts/local-chain.ts";
import { compileZkinfer, deployZkinfer } from "../../verifier-contracts/contracts.ts";
import { inputCommitment } from "../../prover/commitment.ts";
import { loadConfig, type ServiceConfigInput } from "../../server/config/index.ts";
import { createService, silentServiceLogger } from "../../server/service/index.ts";
import { startEdges, type Edges } from "../../server/start-edges.ts";
import type { InferenceService, ProofRecord } from "../../server/core/types.ts";
import { json } from "./edge-server.ts";

export const PRICE = 10n ** 16n;

/** A TCP relay to the chain's JSON-RPC port that can be taken down (connection refused) and brought back on the same port. */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((s) => {
      const up = connect(this.target, "127.0.0.1");
      for (const x of [s, up]) {
        this.sockets.add(x);
        x.on("error", () => { s.destroy(); up.destroy(); });
        x.on("close", () => this.sockets.delete(x));
      }
      s.pipe(up).pipe(s);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and cuts the open ones (keep-alive sockets included). */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const x of this.sockets) x.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

export interface PayChain {
  chain: LocalChain;
  /** The server's key: registry owner, operator (payee) and settle() sender. */
  operator: Wallet;
  client: Wallet;
  escrow: Contract;
  registry: Contract;
  /** The ProvenOracle deployed with them (for GET /v1/chain: pass its address as chain.oracle). */
  oracle: Contract;
  relay: Relay;
  stop(): Promise<void>;
}

export async function startPayChain(): Promise<PayChain> {
  const chainP = startLocalChain();
  compileZkinfer();
  const chain = await chainP;
  const [operator, client] = chain.privateKeys.slice(0, 2).map((k) => new Wallet(k, chain.provider));
  const { escrow, registry, oracle } = await deployZkinfer(operator);
  const relay = new Relay(Number(new URL(chain.rpcUrl).port));
  await relay.up();
  return {
    chain, operator, client, escrow, registry, oracle, relay,
    async stop() {
      await relay.down();
      await chain.stop();
    },
  };
}

/** Opens an ETH escrow request for `modelId` (hex) on `pixels`' commitment (or `commitment`), payee the operator. */
export async function openRequest(p: PayChain, modelId: string, pixels: number[], o: { commitment?: bigint; secs?: number } = {}): Promise<bigint> {
  const c = o.commitment ?? (await inputCommitment(pixels));
  // The next block's time: the latest block's, or the wall clock when no block was mined for a
  // while (a busy machine): a deadline from an old block's time could already have passed.
  const now = Math.max((await p.chain.provider.getBlock("latest"))!.timestamp, Math.floor(Date.now() / 1000));
  const escrow = p.escrow.connect(p.client) as Contract;
  const tx = await escrow.getFunction("openRequest")(`0x${modelId}`, c, p.operator.address, BigInt(now + (o.secs ?? 3600)), { value: PRICE });
  const rc = await tx.wait();
  const ev = rc.logs.map((l: { topics: string[]; data: string }) => escrow.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "RequestOpened");
  return BigInt(ev.args.requestId);
}

export interface PayServer {
  service: InferenceService;
  edges: Edges;
  url: string;
  close(): Promise<void>;
}

/** The real server (digits-mlp, or `models` from `modelsDir`; one prover thread) settling on `p`'s escrow through the relay. */
export async function startPayServer(p: PayChain, dbPath: string, chain: ServiceConfigInput["chain"] = {}, served: Pick<ServiceConfigInput, "models" | "modelsDir"> = {}): Promise<PayServer> {
  const config = loadConfig({
    env: {},
    overrides: {
      dbPath, models: ["digits-mlp"], poolThreads: 1, ...served,
      http: { host: "127.0.0.1", port: 0 }, grpc: { host: "127.0.0.1", port: 0 },
      chain: {
        mode: "external", rpcUrl: p.relay.url, privateKey: p.operator.privateKey, escrow: await p.escrow.getAddress(),
        registerModels: true, retryBaseMs: 100, retryMaxMs: 500, settleAttempts: 50, receiptTimeoutMs: 20_000, ...chain,
      },
    },
  });
  const service = await createService(config, { logger: silentServiceLogger });
  const edges = await startEdges(service, config, { log: () => {} });
  return {
    service, edges, url: edges.httpUrl,
    async close() {
      await edges.close();
      await service.close();
    },
  };
}

/** Polls GET /v1/proofs/:id until `until` holds (or throws with the last record after `timeoutMs`). */
export async function pollProof(url: string, requestId: string, until: (r: ProofRecord) => boolean, timeoutMs = 30_000): Promise<ProofRecord> {
  const t0 = Date.now();
  for (;;) {
    const r = (await json(`${url}/v1/proofs/${requestId}`)).body as ProofRecord;
    if (until(r)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`proof ${requestId}: condition not met within ${timeoutMs} ms; last record: ${JSON.stringify({ ...r, proof: undefined, calldata: undefined })}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

export const settlementDone = (r: ProofRecord) => r.settlement?.status === "settled" || r.settlement?.status === "failed";

/** RequestSettled events for `requestId` (the escrow's own record of settlements). */
export async function settledEvents(p: PayChain, requestId: bigint): Promise<string[]> {
  const logs = await p.escrow.queryFilter(p.escrow.filters.RequestSettled(requestId), 0, "latest");
  return logs.map((l) => l.transactionHash);
}
