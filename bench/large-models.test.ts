/**
 * The circuit witness of the large models (over 50,000 constraints) against onnxruntime and the
 * evaluator, on test and extreme inputs: `npm run test:large` (about ten minutes on 2 cores, so
 * not part of `npm test`; test/models-large.test.ts runs the rest of their suite there).
 */
import { afterAll } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { allModels, fromZoo, LARGE, modelSuite } from "../test/helpers/model-suite.ts";

afterAll(() => terminateSnarkjsCurves());
modelSuite(allModels.filter((m) => !fromZoo(m) && m.manifest.circuit.constraints > LARGE), { samples: 50 });
