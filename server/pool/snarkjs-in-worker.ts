/**
 * Makes snarkjs usable inside a Piscina worker thread, single-threaded. Import this module
 * before anything that loads snarkjs, ffjavascript or circomlibjs.
 *
 * The problem: ffjavascript (snarkjs' field/curve library) imports the `web-worker` package at
 * load time. web-worker decides at import which side it is on: `isMainThread ? mainThread() :
 * workerThread()`. In any worker thread it assumes it *is* one of its own web workers: it
 * destructures `{ mod }` from `workerData` (Piscina's workerData is not that, so the import
 * throws "Cannot destructure property 'mod' of 'threads.workerData'"), and would otherwise
 * also turn `globalThis` into a WorkerGlobalScope and listen on Piscina's parentPort.
 *
 * The fix: register a stub as the already-loaded CommonJS module for web-worker's resolved
 * path (as ffjavascript resolves it) in require.cache. Node's ESM loader takes a CommonJS
 * module from that cache, so web-worker's own code never runs in the pool worker. Nothing is
 * lost: a single-threaded curve never creates a Worker; the stub throws if one ever tried.
 * The stub must be in the cache before Node links any module graph containing ffjavascript,
 * hence worker-entry.mjs imports this module on its own first.
 *
 * Then one single-threaded bn128 curve is built (buildBn128(true): ~150-250 ms, so once per
 * worker, not once per proof) and installed where ffjavascript caches its shared curve,
 * globalThis.curve_bn128: buildBn128() without `singleThread` returns that cached object, so
 * every snarkjs call in this worker (prove, verify) uses it. globalThis is per worker thread,
 * so workers do not share it, and no curve starts its own threads (parallelism at one level:
 * the pool). snarkjs' documented per-call option ({ singleThread: true }) would build a fresh
 * curve on every proof instead.
 *
 * Closing: a single-threaded curve owns no threads (ffjavascript's terminate() is a no-op for
 * it), and Piscina 5 has no worker-side teardown hook; ProverPool.destroy() terminates the
 * thread, which frees the curve's WebAssembly memory and the cached keys with it.
 */
import { createRequire, Module } from "node:module";
import { isMainThread } from "node:worker_threads";
import { loadSnarkjs, type Snarkjs } from "../../prover/snarkjs.ts";

interface Curve {
  terminate(): Promise<void> | void;
}

class NoNestedWorkers {
  constructor() {
    throw new Error("snarkjs tried to start a web worker inside a prover pool worker; its curve must be single-threaded here");
  }
}

function stubWebWorker(): void {
  const ffRequire = createRequire(createRequire(import.meta.url).resolve("ffjavascript"));
  const file = ffRequire.resolve("web-worker");
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = NoNestedWorkers;
  ffRequire.cache[file] = m;
}

// At import: worker-entry.mjs loads this module alone, before worker.ts and its graph.
if (!isMainThread) stubWebWorker();

let curveP: Promise<Curve> | undefined;

/**
 * Installs the worker's single-threaded curve (idempotent) and returns snarkjs. snarkjs is
 * loaded first: each evaluation of ffjavascript's bn128 module resets globalThis.curve_bn128
 * to null, so the curve is installed only once every ffjavascript instance is loaded, and is
 * checked (cheaply) before each use in case a late import reset it.
 */
export async function prepareSnarkjs(): Promise<Snarkjs> {
  if (isMainThread) throw new Error("prepareSnarkjs is for prover pool worker threads only");
  const snarkjs = await loadSnarkjs();
  curveP ??= (async () => {
    const specifier: string = "ffjavascript"; // untyped package: a non-literal import is `any`
    const ff = (await import(specifier)) as { buildBn128(singleThread?: boolean): Promise<Curve> };
    return ff.buildBn128(true);
  })();
  const curve = await curveP;
  const g = globalThis as { curve_bn128?: Curve | null };
  if (g.curve_bn128 !== curve) g.curve_bn128 = curve;
  if ((await snarkjs.curves.getCurveFromName("bn128")) !== curve) throw new Error("snarkjs does not use the worker's single-threaded curve");
  return snarkjs;
}
