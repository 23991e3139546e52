/**
 * The per-model suite (test/helpers/model-suite.ts) for the large models of models/ not from the
 * zoo (over 50,000 constraints), without the circuit witness: a circom build of each takes a
 * minute or more, so their witness check runs with the benchmarks (`npm run test:large`,
 * bench/large-models.test.ts). Here: the committed circuit is the compiler's output for the
 * committed integer ONNX (whose compile-time check, recorded in the manifest, compared the
 * witness with onnxruntime on 256 random and the extreme inputs), onnxruntime == evaluator, and
 * the accuracy on the whole test split.
 */
import { afterAll } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { allModels, fromZoo, LARGE, modelSuite } from "./helpers/model-suite.ts";

afterAll(() => terminateSnarkjsCurves());
modelSuite(allModels.filter((m) => !fromZoo(m) && m.manifest.circuit.constraints > LARGE), { witness: false });
