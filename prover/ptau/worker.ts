// Worker thread of the dev ptau generator: computes the exponents of one job and
// multiplies them onto G1 or G2 with its own single-threaded wasm curve, so that
// jobs run in parallel on all cores without ffjavascript's own thread pool.
import { parentPort } from "node:worker_threads";
import { loadFfjavascript } from "./deps.ts";
import { FixedBaseMultiplier, type FfCurve } from "./fixed-base.ts";
import { computeScalars, encodeScalars, jobCount, type ScalarJob } from "./scalars.ts";

/** G1 points high[i] - low[i] (affine LEM in and out): prover/dev-zkey's H hash. */
export type DiffJob = { kind: "diff"; high: Uint8Array; low: Uint8Array };

export type WorkerRequest =
  | { type: "init"; tau: bigint; windows: { G1: number; G2: number } }
  | { type: "job"; id: number; group: "G1" | "G2"; job: ScalarJob | DiffJob; uncompressed?: boolean }
  | { type: "close" };

export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; id: number; points: Uint8Array; u?: Uint8Array }
  | { type: "error"; id: number; message: string }
  | { type: "closed" };

const port = parentPort;
if (!port) throw new Error("prover/ptau/worker.ts must run in a worker thread");

type Group = {
  batchLEMtoU(b: Uint8Array): Promise<Uint8Array>;
  batchToAffine(b: Uint8Array): Promise<Uint8Array>;
  sub(a: Uint8Array, b: Uint8Array): Uint8Array;
};
let curve: (FfCurve & { G1: Group; G2: Group }) | undefined;
let tau = 0n;
let windows = { G1: 12, G2: 12 };
const multipliers: Partial<Record<"G1" | "G2", FixedBaseMultiplier>> = {};

function multiplier(group: "G1" | "G2"): FixedBaseMultiplier {
  // Tables are built lazily: a worker that never sees a G2 job never pays for its table.
  return (multipliers[group] ??= new FixedBaseMultiplier(curve!, group, windows[group]));
}

port.on("message", async (msg: WorkerRequest) => {
  if (msg.type === "init") {
    curve = (await (await loadFfjavascript()).getCurveFromName("bn128", { singleThread: true })) as typeof curve;
    tau = msg.tau;
    windows = msg.windows;
    port.postMessage({ type: "ready" } satisfies WorkerResponse);
  } else if (msg.type === "job") {
    try {
      const job = msg.job;
      const points = job.kind === "diff" ? await difference(job) : multiplier(msg.group).multiply(encodeScalars(computeScalars(tau, job)), jobCount(job));
      // Uncompressed (big-endian, plain) form as well: what snarkjs hashes into a zkey's circuit hash.
      const u = msg.uncompressed ? await curve![msg.group].batchLEMtoU(points) : undefined;
      port.postMessage({ type: "result", id: msg.id, points, u } satisfies WorkerResponse, u ? [points.buffer as ArrayBuffer, u.buffer as ArrayBuffer] : [points.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ type: "error", id: msg.id, message: e instanceof Error ? e.message : String(e) } satisfies WorkerResponse);
    }
  } else if (msg.type === "close") {
    // Always terminate the curve: ffjavascript keeps the thread alive otherwise.
    await curve?.terminate();
    port.postMessage({ type: "closed" } satisfies WorkerResponse);
    port.close();
  }
});

async function difference(job: DiffJob): Promise<Uint8Array> {
  const n = job.high.length / 64;
  const jac = new Uint8Array(n * 96);
  for (let i = 0; i < n; i++) jac.set(curve!.G1.sub(job.high.subarray(i * 64, (i + 1) * 64), job.low.subarray(i * 64, (i + 1) * 64)), i * 96);
  return curve!.G1.batchToAffine(jac);
}
