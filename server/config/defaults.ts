/**
 * The service's options and their defaults, in one constant (as piscina's kDefaultOptions):
 * every other module reads the resolved config, never a literal of its own, so a default
 * cannot drift between the service core and the HTTP/gRPC edges.
 */
import os from "node:os";
import { defaultPaths, EXAMPLE_MODELS_DIR } from "../../prover/paths.ts";

export interface ServiceConfig {
  /** HTTP edge (Hono). */
  http: { host: string; port: number };
  /** gRPC edge; port 0 lets the OS pick one (tests). */
  grpc: { host: string; port: number };
  /** Largest request body the edges accept, in bytes. */
  bodyLimitBytes: number;
  /** Accepted API keys; empty = authentication off (the embedded default). */
  apiKeys: string[];
  /** Requests per API key (or per client when auth is off) per minute; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** SQLite file of the durable job store (WAL mode). */
  dbPath: string;
  /** Folder of model folders, each with a manifest.json. */
  modelsDir: string;
  /**
   * More models to serve besides those of modelsDir (`zkinfer serve --models`): each entry a model
   * folder (with a manifest.json, e.g. written by zkinfer import) or a folder of such folders.
   * All of them are loaded, whatever their size.
   */
  modelDirs: string[];
  /** Which models to load: "all" (every folder with a manifest) or a list of folder names. */
  models: "all" | string[];
  /**
   * With models "all", models whose circuits have more constraints than this are skipped:
   * their first setup takes minutes (name them in `models` to serve them anyway).
   */
  maxAutoConstraints: number;
  /** Prover worker threads. */
  poolThreads: number;
  /** Most jobs queued + proving at once; past it infer answers QUEUE_FULL. */
  queueLimit: number;
  /** onnxruntime execution providers, tried in order (e.g. ["cuda", "cpu"]). */
  executionProviders: string[];
  /** Cache of the development (INSECURE) powers of tau used for missing setups. */
  devPtauDir: string;
  /** How long close() lets in-flight proofs finish before leaving them to the next start. */
  shutdownTimeoutMs: number;
  /** Proof attempts per job before it is marked failed (a worker crash counts as one). */
  maxAttempts: number;
  /**
   * Fleet mode: the Redis URL (redis://host:port[/db]) of the BullMQ queue that prover nodes
   * (`zkinfer prover`) pull proof jobs from; "" = the embedded in-process pool (the default).
   */
  queue: string;
  /** The BullMQ queue's name (gateway and nodes must agree). */
  queueName: string;
  /** The chain that escrow requests are settled on (issue #5; server/settlement). */
  chain: ChainConfig;
}

/**
 * Settlement: jobs that reference an escrow request are settled on this chain once proved.
 * mode "local" (the embedded default): `npm start` starts a local Hardhat node, deploys the
 * contracts and fills in rpcUrl, privateKey and escrow; a library caller of createService that
 * leaves them empty gets no settlement. "external": an existing chain and deployment (rpcUrl,
 * privateKey and escrow are required). "off": no chain, and infer refuses escrowRequestId.
 */
export interface ChainConfig {
  mode: "local" | "external" | "off";
  /** JSON-RPC endpoint (http://, https://, ws://, wss://); "" when none. */
  rpcUrl: string;
  /** The operator's key (0x + 64 hex digits): signs settle() transactions and pays their gas. */
  privateKey: string;
  /** InferenceEscrow address (its registry is read from it). */
  escrow: string;
  /**
   * ProvenOracle address, "" when none: only published (GET /v1/chain), for clients that read
   * proven values; the server never calls it. `npm start` fills it with the oracle it deploys.
   */
  oracle: string;
  /**
   * Deploy the verifier of every loaded model that the registry lacks and register it (the key
   * must own the registry). On for the local chain of `npm start`.
   */
  registerModels: boolean;
  /** Settlement attempts per job on transient RPC errors; past them the job waits for the next start. */
  settleAttempts: number;
  /** Backoff of the first retry, doubled per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long one wait for a settle() receipt lasts before it counts as a transient failure. */
  receiptTimeoutMs: number;
  /**
   * Least time, in seconds, between the chain's latest block and an escrow request's deadline
   * for infer to take the request: enough to prove and to settle before the refund window.
   */
  minDeadlineSeconds: number;
  /** Least price of an ETH-paid escrow request, in wei (decimal string); null: ETH not accepted. */
  minPriceWei: string | null;
  /** ERC-20 tokens accepted as payment, each with its least amount (token units, decimal string). */
  tokens: TokenPrice[];
  /**
   * Per-model payment terms, keyed by model name or id: each field given replaces the chain-wide
   * one for that model (e.g. a larger model asks more and a longer deadline).
   */
  modelPrices: Record<string, ModelPrice>;
  /** Longest wait for the chain when infer reads an escrow request; past it infer answers 503. */
  readTimeoutMs: number;
}

/** An accepted ERC-20 token and the least amount of it a request must lock. */
export interface TokenPrice {
  address: string;
  minAmount: string;
}

export type ModelPrice = Partial<Pick<ChainConfig, "minDeadlineSeconds" | "minPriceWei" | "tokens">>;

/** Deep-partial input accepted by loadConfig / createService. */
export type ServiceConfigInput = Partial<Omit<ServiceConfig, "http" | "grpc" | "chain">> & {
  http?: Partial<ServiceConfig["http"]>;
  grpc?: Partial<ServiceConfig["grpc"]>;
  chain?: Partial<ServiceConfig["chain"]>;
};

/**
 * One thread per core, less one for the gateway's event loop (and onnxruntime), at least one:
 * snarkjs runs single-threaded inside each worker, so parallelism lives at this one level.
 */
const defaultThreads = Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);

/** The data directory as resolved when the server starts (prover/paths.ts, $ZKINFER_DATA_DIR). */
const paths = defaultPaths();

export const DEFAULT_CONFIG: Readonly<ServiceConfig> = Object.freeze({
  http: { host: "127.0.0.1", port: 8080 },
  grpc: { host: "127.0.0.1", port: 50051 },
  bodyLimitBytes: 1024 * 1024,
  apiKeys: [],
  rateLimitPerMinute: 600,
  dbPath: paths.jobsDb,
  modelsDir: EXAMPLE_MODELS_DIR,
  modelDirs: [] as string[],
  models: "all",
  maxAutoConstraints: 12_000,
  poolThreads: defaultThreads,
  queueLimit: 64,
  executionProviders: ["cpu"],
  devPtauDir: paths.ptauDir,
  shutdownTimeoutMs: 10_000,
  maxAttempts: 3,
  queue: "",
  queueName: "zkinfer-proofs",
  chain: {
    mode: "local" as const,
    rpcUrl: "",
    privateKey: "",
    escrow: "",
    oracle: "",
    registerModels: false,
    settleAttempts: 8,
    retryBaseMs: 500,
    retryMaxMs: 15_000,
    receiptTimeoutMs: 60_000,
    // Two minutes: a small model proves in about a second, a 100k-constraint one in a minute,
    // and the settle() transaction still has to be mined before the deadline.
    minDeadlineSeconds: 120,
    // 0.001 ETH: about the gas of one settle() (some 310k gas, verifier included) at 3 gwei.
    minPriceWei: "1000000000000000",
    tokens: [] as TokenPrice[],
    modelPrices: {} as Record<string, ModelPrice>,
    readTimeoutMs: 10_000,
  },
});
