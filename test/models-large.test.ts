/** The per-model suite (test/helpers/model-suite.ts) for the large models of models/ not from the zoo. */
import { afterAll } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { allModels, fromZoo, LARGE, modelSuite } from "./helpers/model-suite.ts";

afterAll(() => terminateSnarkjsCurves());
modelSuite(allModels.filter((m) => !fromZoo(m) && m.manifest.circuit.constraints > LARGE));
