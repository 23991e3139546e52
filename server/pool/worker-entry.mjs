// Piscina loads this plain-JS file in each worker thread. Two steps, in this order:
// 1. tsx's loader is registered in this thread (a worker has its own module loader): worker
//    threads do not inherit vitest's transform, and Node 20 cannot run .ts files itself.
// 2. snarkjs-in-worker.ts is imported on its own, *before* worker.ts: its web-worker stub must
//    be in require.cache before Node even links a module graph that contains ffjavascript
//    (ESM links, and pre-parses CommonJS dependencies, before evaluating any module of a graph;
//    a stub installed by a sibling static import would come too late).
import { register } from "tsx/esm/api";

register();
await import("./snarkjs-in-worker.ts");
const worker = await import("./worker.ts");
export default worker.default;
