/**
 * zkinfer's library API: what a project that installs zkinfer imports. Everything else in the
 * package is internal and may change between versions.
 *
 * @example
 *   import { compileModel, setupModel, proveModel, verifyModel, terminateSnarkjsCurves } from "@zkinfer-dev/zkinfer";
 *   await compileModel({ name: "digits", templateName: "Digits", onnxPath: "digits/model.int8.onnx", modelDir: "digits" });
 *   await setupModel("digits");                       // development setup (INSECURE) unless `ptau` is given
 *   const p = await proveModel("digits", new Array(64).fill(0));
 *   console.log(p.output, (await verifyModel("digits", p)).valid);
 *   await terminateSnarkjsCurves();                   // snarkjs' worker threads keep a process alive
 */
export { setupModel, proveModel, verifyModel, type ModelRef, type SetupModelOptions, type ModelProof, type ProofToVerify, type Verdict } from "./model.ts";
export { compileModelFile as compileModel, type CompileModelOptions, type ModelArtifacts } from "../prover/compiler/model.ts";
export { defaultCircuitPath } from "../prover/compiler/circuit-path.ts";
export { importModel, readSamples, type ImportOptions, type ImportResult, type ImportProgress, type StepProgress, type Preprocessing, type Samples } from "../prover/import/index.ts";
export { quantizeModel, quantizeInput, type QuantizedModel, type QuantizeOptions, type QuantizeModelOptions, type QuantizeReport } from "../prover/quantize/index.ts";
export { readOnnx, writeOnnx } from "../prover/onnx/proto.ts";
export { runOnnx } from "../prover/onnx/runtime.ts";
export { openModelDir, buildModelCircuit, type ModelDir, type Manifest } from "../prover/model-dir.ts";
export { prepareModel, type PrepareOptions, type ReadyModel, type BuiltModel, type CircuitBuild } from "../prover/prepare-model.ts";
export { setupGroth16, devPtau, type SetupOptions, type SetupResult, type PtauSource } from "../prover/setup.ts";
export { proveGroth16, verifyGroth16, decodePublicSignals, type ProofResult, type DecodedSignals } from "../prover/prove.ts";
export { compileCircom, type CircomOutput, type CompileCircomOptions } from "../prover/circom.ts";
export { defaultPaths, resolveDataDir, DATA_DIR_ENV, type DefaultPaths, type DataDirOptions } from "../prover/paths.ts";
export { ProverError } from "../prover/errors.ts";
export { terminateSnarkjsCurves, type Groth16Proof } from "../prover/snarkjs.ts";
export type { Logger } from "../prover/logger.ts";
