// The library's entry point for plain Node. zkinfer's sources are TypeScript, run through tsx
// (a dependency, as for the CLI and the worker threads): tsImport loads them with a loader
// scoped to this import, so the importing process's own module loading stays as it was.
// The names below are api/index.ts's runtime exports (api/index.test.ts checks they match);
// the types come from dist/types/api/index.d.ts, made at `npm pack` (package.json "prepack").
import { tsImport } from "tsx/esm/api";

const api = await tsImport("./index.ts", import.meta.url);

export const {
  setupModel, proveModel, verifyModel,
  compileModel, defaultCircuitPath,
  importModel, readSamples,
  quantizeModel, quantizeInput,
  readOnnx, writeOnnx, runOnnx,
  openModelDir, buildModelCircuit, prepareModel,
  setupGroth16, devPtau, proveGroth16, verifyGroth16, decodePublicSignals,
  compileCircom,
  defaultPaths, resolveDataDir, DATA_DIR_ENV,
  ProverError,
  terminateSnarkjsCurves,
} = api;
