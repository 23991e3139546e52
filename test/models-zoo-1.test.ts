/**
 * The per-model suite (test/helpers/model-suite.ts) for share 1 of 2 of the zoo models (models/zoo:
 * PyTorch and Keras-style exports), each with a full proof.
 */
import { afterAll } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { allModels, fromZoo, modelSuite, shareOf } from "./helpers/model-suite.ts";

afterAll(() => terminateSnarkjsCurves());
modelSuite(shareOf(allModels.filter(fromZoo), 0, 2));
