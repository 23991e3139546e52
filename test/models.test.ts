/**
 * The per-model suite (test/helpers/model-suite.ts) for the models of models/ that are neither
 * from the zoo of PyTorch exports nor large; the others run in models-large and models-zoo-*.
 */
import { afterAll } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { allModels, fromZoo, LARGE, modelSuite } from "./helpers/model-suite.ts";

afterAll(() => terminateSnarkjsCurves());
modelSuite(allModels.filter((m) => !fromZoo(m) && m.manifest.circuit.constraints <= LARGE));
