/**
 * The service's options and their defaults, in one constant (as piscina's kDefaultOptions):
 * every other module reads the resolved config, never a literal of its own, so a default
 * cannot drift between the service core and the HTTP/gRPC edges.
 */
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../prover/circom.ts";

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
}

/** Deep-partial input accepted by loadConfig / createService. */
export type ServiceConfigInput = Partial<Omit<ServiceConfig, "http" | "grpc">> & {
  http?: Partial<ServiceConfig["http"]>;
  grpc?: Partial<ServiceConfig["grpc"]>;
};

/**
 * One thread per core, less one for the gateway's event loop (and onnxruntime), at least one:
 * snarkjs runs single-threaded inside each worker, so parallelism lives at this one level.
 */
const defaultThreads = Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);

export const DEFAULT_CONFIG: Readonly<ServiceConfig> = Object.freeze({
  http: { host: "127.0.0.1", port: 8080 },
  grpc: { host: "127.0.0.1", port: 50051 },
  bodyLimitBytes: 1024 * 1024,
  apiKeys: [],
  rateLimitPerMinute: 600,
  dbPath: path.join(REPO_ROOT, "build", "server", "jobs.sqlite"),
  modelsDir: path.join(REPO_ROOT, "models"),
  models: "all",
  maxAutoConstraints: 20_000,
  poolThreads: defaultThreads,
  queueLimit: 64,
  executionProviders: ["cpu"],
  devPtauDir: path.join(REPO_ROOT, "build", "ptau"),
  shutdownTimeoutMs: 10_000,
  maxAttempts: 3,
});
