// Worker thread of the dev ptau generator: computes the exponents of one job and
// multiplies them onto G1 or G2 with its own single-threaded wasm curve, so that
// jobs run in parallel on all cores without ffjavascript's own thread pool.
import { parentPort } from "node:worker_threads";
import { loadFfjavascript } from "./deps.ts";
import { FixedBaseMultiplier, type FfCurve } from "./fixed_base.ts";
import { computeScalars, encodeScalars, jobCount, type ScalarJob } from "./scalars.ts";

export type WorkerRequest =
  | { type: "init"; tau: bigint; windows: { G1: number; G2: number } }
  | { type: "job"; id: number; group: "G1" | "G2"; job: ScalarJob }
  | { type: "close" };

export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; id: number; points: Uint8Array }
  | { type: "error"; id: number; message: string }
  | { type: "closed" };

const port = parentPort;
if (!port) throw new Error("prover/ptau/worker.ts must run in a worker thread");

let curve: FfCurve | undefined;
let tau = 0n;
let windows = { G1: 12, G2: 12 };
const multipliers: Partial<Record<"G1" | "G2", FixedBaseMultiplier>> = {};

function multiplier(group: "G1" | "G2"): FixedBaseMultiplier {
  // Tables are built lazily: a worker that never sees a G2 job never pays for its table.
  return (multipliers[group] ??= new FixedBaseMultiplier(curve!, group, windows[group]));
}

port.on("message", async (msg: WorkerRequest) => {
  if (msg.type === "init") {
    curve = await (await loadFfjavascript()).getCurveFromName("bn128", { singleThread: true });
    tau = msg.tau;
    windows = msg.windows;
    port.postMessage({ type: "ready" } satisfies WorkerResponse);
  } else if (msg.type === "job") {
    try {
      const scalars = computeScalars(tau, msg.job);
      const points = multiplier(msg.group).multiply(encodeScalars(scalars), jobCount(msg.job));
      port.postMessage({ type: "result", id: msg.id, points } satisfies WorkerResponse, [points.buffer as ArrayBuffer]);
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
