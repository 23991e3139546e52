/**
 * The nonce public input (compile --nonce): digits-mlp compiled with one keeps its outputs and
 * gains a last public signal the proof binds; a changed nonce fails every verifier; and the one
 * defensive constraint puts it in the circuit's own constraints.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { nonceVariant, type NonceVariant } from "../verifier-contracts/nonce-variant.ts";
import { registrationFromManifest, NO_NONCE } from "../verifier-contracts/registration.ts";
import { proveModelInputs } from "../verifier-contracts/model-proofs.ts";
import { compileToCircom } from "../prover/compiler/compile.ts";
import { ensureCircuitBuild } from "../prover/compiler/model.ts";
import { circuitInputs } from "../prover/inputs.ts";
import { calculateWitness } from "../prover/witness.ts";
import { firstViolated, readR1cs } from "../prover/r1cs.ts";
import { setupGroth16, devPtau } from "../prover/setup.ts";
import { decodePublicSignals, proveGroth16, verifyGroth16 } from "../prover/prove.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { proofMismatch } from "../server/service/check-proof.ts";
import { checkNonce } from "../server/service/nonce.ts";
import type { LoadedModel } from "../server/service/models.ts";
import type { Graph } from "../prover/onnx/graph.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";

const T = 1_767_225_600n; // 2026-01-01T00:00:00Z
let V: NonceVariant;
let vkey: unknown;
let pixels: number[];

beforeAll(async () => {
  V = await nonceVariant("digits-mlp");
  vkey = JSON.parse(readFileSync(V.vkeyPath, "utf8"));
  pixels = Array.from(splitDigits(loadDigits()).test[0]!.pixels);
});

afterAll(async () => {
  await terminateSnarkjsCurves();
});

describe("digits-mlp compiled with a nonce", () => {
  it("has the nonce as its last public signal, outside the output range, in its own model id", () => {
    const s = V.model.manifest.publicSignals;
    expect(s).toEqual(["inputCommitment", ...Array.from({ length: 10 }, (_, i) => `out[${i}]`), "nonce"]);
    const r = registrationFromManifest(V.model.manifest);
    expect([r.nPublic, r.commitmentIndex, r.outputOffset, r.outputCount, r.nonceIndex]).toEqual([12, 0, 1, 10, 11]);
    expect(registrationFromManifest(JSON.parse(readFileSync(path.join(REPO_ROOT, "models/digits-mlp/manifest.json"), "utf8"))).nonceIndex).toBe(NO_NONCE);
    expect(V.model.manifest.modelId).not.toBe(JSON.parse(readFileSync(path.join(REPO_ROOT, "models/digits-mlp/manifest.json"), "utf8")).modelId);
  });

  it("proves the plain model's outputs and binds the nonce: another nonce signal fails verification", async () => {
    const p = await V.prove(pixels, T);
    const d = decodePublicSignals(p.publicSignals, V.model.manifest.publicSignals);
    expect(d.nonce).toBe(T);
    expect(d.output).toHaveLength(10); // the nonce is not read as an output
    const plain = (await proveModelInputs("digits-mlp", [pixels])).proofs[0]!;
    expect(d.output).toEqual(decodePublicSignals(plain.publicSignals).output);
    expect(p.publicSignals.slice(0, 11)).toEqual(plain.publicSignals);
    expect(await verifyGroth16(vkey, p.publicSignals, p.proof)).toBe(true);
    for (const other of [T + 1n, T - 30n * 86_400n, 0n]) {
      const forged = [...p.publicSignals.slice(0, 11), other.toString()];
      expect(await verifyGroth16(vkey, forged, p.proof)).toBe(false);
    }
  });

  it("the server's proof check refuses a proof whose nonce is not the job's", async () => {
    const p = await V.prove(pixels, T);
    const d = decodePublicSignals(p.publicSignals, V.model.manifest.publicSignals);
    const m = { info: { visibility: V.model.manifest.visibility, publicSignals: V.model.manifest.publicSignals }, dir: { manifest: V.model.manifest } } as unknown as LoadedModel;
    const job = { input: pixels, output: d.output.map(Number), inputCommitment: d.inputCommitment!.toString() };
    expect(await proofMismatch(m, { ...job, nonce: T.toString() }, p.publicSignals)).toBeUndefined();
    expect(await proofMismatch(m, { ...job, nonce: (T + 1n).toString() }, p.publicSignals)).toMatch(/proven nonce 1767225600 != the one served 1767225601/);
    expect(await proofMismatch(m, job, p.publicSignals)).toMatch(/proven nonce 1767225600 != the one served 0/); // no nonce stored: the default
  });

  it("the server refuses a nonce for a model without one (400 naming nonce), and defaults it to 0 for a model with one", () => {
    const model = (publicSignals: string[]) => ({ info: { name: "m", publicSignals } }) as unknown as LoadedModel;
    const withNonce = model(V.model.manifest.publicSignals), without = model(V.model.manifest.publicSignals.slice(0, 11));
    expect(() => checkNonce("5", without)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "nonce", message: expect.stringMatching(/^nonce: model m's circuit has no nonce input/) }));
    expect(checkNonce(undefined, without)).toBeUndefined();
    expect(checkNonce(undefined, withNonce)).toBe(0n);
    expect(checkNonce(undefined, withNonce, { default: false })).toBeUndefined();
    expect(checkNonce("18446744073709551615", withNonce)).toBe(2n ** 64n - 1n);
    expect(checkNonce(7, withNonce)).toBe(7n);
    expect(() => checkNonce("18446744073709551616", withNonce)).toThrow(expect.objectContaining({ field: "nonce", message: expect.stringMatching(/^nonce: expected an integer 0 <= nonce < 2\^64/) }));
  });

  it("refuses a nonce for a model without one, and one out of range, naming the field", () => {
    const layout = { visibility: V.model.manifest.visibility, publicSignals: V.model.manifest.publicSignals };
    expect(() => circuitInputs({ ...layout, publicSignals: layout.publicSignals.slice(0, 11) }, pixels, { nonce: 1n })).toThrow(/^nonce: the model's circuit has no nonce input/);
    expect(() => circuitInputs(layout, pixels, { nonce: 2n ** 64n })).toThrow(/^nonce: expected an integer 0 <= nonce < 2\^64/);
    expect(circuitInputs(layout, pixels).nonce).toBe(0n);
  });
});

describe("the nonce's defensive constraint", () => {
  const dir = path.join(REPO_ROOT, "build", `test-nonce-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const graph: Graph = {
    name: "t", opset: 17, metadata: {},
    nodes: [{ name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["y"], attrs: {} }],
    initializers: new Map([["W", { dtype: "int8", dims: [4, 2], data: Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]]),
    inputs: [{ name: "input", dtype: "int8", dims: [1, 4] }],
    outputs: [{ name: "y", dtype: "int32", dims: [1, 2] }],
  };

  async function proveTiny(name: string, source: string) {
    mkdirSync(dir, { recursive: true });
    const circuit = path.join(dir, `${name}.circom`);
    writeFileSync(circuit, source);
    const build = await ensureCircuitBuild(circuit, path.join(dir, name));
    const setup = await setupGroth16({ r1csPath: build.r1cs, setupDir: path.join(dir, `${name}-setup`), ptau: devPtau() });
    const input = { x: [1n, -2n, 3n, 4n], nonce: T };
    const p = await proveGroth16(setup.zkeyPath, build.wasm, input);
    const vk = JSON.parse(readFileSync(setup.vkeyPath, "utf8"));
    const moved = [...p.publicSignals.slice(0, -1), (T - 30n * 86_400n).toString()];
    return { build, verifiesWithOtherNonce: await verifyGroth16(vk, moved, p.proof), verifies: await verifyGroth16(vk, p.publicSignals, p.proof) };
  }

  it("binds it in the circuit itself; snarkjs' setup binds even a nonce in no constraint", async () => {
    const c = compileToCircom(graph, { templateName: "Tiny", nonce: true });
    expect(c.source).toContain("signal nonceSquare <== nonce * nonce;");
    expect(c.publicSignals).toEqual(["inputCommitment", "out[0]", "out[1]", "nonce"]);
    // snarkjs' zkey adds one term per public input, so even with the constraint removed a 30-day-old
    // nonce is refused: the constraint is there for backends that do not (a proof system or key
    // built from the r1cs alone would accept any value of a public input in no constraint).
    const unbound = await proveTiny("unbound", c.source.replace("signal nonceSquare <== nonce * nonce;", ""));
    expect([unbound.verifies, unbound.verifiesWithOtherNonce]).toEqual([true, false]);
    const bound = await proveTiny("bound", c.source);
    expect([bound.verifies, bound.verifiesWithOtherNonce]).toEqual([true, false]);
    const nonceRow = readR1cs(bound.build.r1cs);
    expect(nonceRow.nConstraints).toBe(readR1cs(unbound.build.r1cs).nConstraints + 1);
    // And a witness whose square is wrong violates a constraint (the value is pinned, not hinted).
    const r1cs = nonceRow;
    const w = await calculateWitness(bound.build.wasm, circuitInputs(c, [1, -2, 3, 4], { nonce: T }));
    expect(firstViolated(r1cs, w)).toBe(-1);
    expect(w[1 + c.publicSignals.indexOf("nonce")]).toBe(T);
    const bad = [...w];
    bad[bad.findIndex((v) => v === T * T)] = T * T + 1n;
    expect(firstViolated(r1cs, bad)).not.toBe(-1);
  });
});
