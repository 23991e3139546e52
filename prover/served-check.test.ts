/**
 * The one served-vs-proven check, on public signals made with the real Poseidon commitments.
 * Each case is a proof an older copy of the check let through (the CLI's and the library's
 * compared only public outputs; the server's took a missing salt for 0).
 */
import { describe, expect, it } from "vitest";
import { inputCommitment, outputCommitment } from "./commitment.ts";
import { circuitInputs } from "./inputs.ts";
import { proofMismatch, type ServedModel } from "./served-check.ts";

const x = [3, -4, 5, 0];
const model = (output: string, input = "hashed", outs = 2): ServedModel => ({
  name: "m",
  visibility: { weights: "fixed", input, output },
  publicSignals: [input === "public" ? x.map((_, i) => `x[${i}]`) : ["inputCommitment"], output === "hashed" ? ["outputCommitment"] : Array.from({ length: outs }, (_, i) => `out[${i}]`)].flat(),
});
const dec = (vs: (bigint | number)[]) => vs.map((v) => String(v));

describe("proofMismatch (served output == proven output)", () => {
  it("passes a proof that carries exactly what was served", async () => {
    const ic = await inputCommitment(x);
    expect(await proofMismatch(model("public"), { input: x, output: [7, 9] }, dec([ic, 7, 9]))).toBeUndefined();
    const salt = 12345n;
    expect(await proofMismatch(model("hashed"), { input: x, output: [7, 9], salt }, dec([ic, await outputCommitment([7, 9], salt)]))).toBeUndefined();
  });

  it("refuses a hashed output committing to another output (the CLI's check skipped hashed outputs)", async () => {
    const ic = await inputCommitment(x);
    const salt = 99n;
    const lie = await outputCommitment([7, 8], salt);
    expect(await proofMismatch(model("hashed"), { input: x, output: [7, 9], salt }, dec([ic, lie]))).toMatch(/^proven output commitment .* != commitment of the served output/);
  });

  it("refuses a proof with fewer outputs than were served (the CLI's check compared only the proof's)", async () => {
    const ic = await inputCommitment(x);
    expect(await proofMismatch(model("public"), { input: x, output: [7, 9, 1] }, dec([ic, 7, 9]))).toMatch(/^proven output \[7, 9\] != served output \[7, 9, 1\]/);
  });

  it("refuses a proof for another input (the CLI and the library never compared the input commitment)", async () => {
    const other = await inputCommitment([3, -4, 5, 1]);
    expect(await proofMismatch(model("public"), { input: x, output: [7, 9] }, dec([other, 7, 9]))).toMatch(/^proven input commitment/);
    const salted = model("public", "hashed-salted");
    const s = 5n;
    expect(await proofMismatch(salted, { input: x, output: [7, 9], inputSalt: s }, dec([await inputCommitment(x, s), 7, 9]))).toBeUndefined();
    expect(await proofMismatch(salted, { input: x, output: [7, 9], inputSalt: s + 1n }, dec([await inputCommitment(x, s), 7, 9]))).toMatch(/^proven input commitment/);
    expect(await proofMismatch(salted, { input: x, output: [7, 9] }, dec([await inputCommitment(x, s), 7, 9]))).toMatch(/no input salt/);
    expect(await proofMismatch(model("public", "public"), { input: x, output: [7, 9] }, dec([3, -4, 5, 1, 7, 9]))).toBe("proven input != served input");
  });

  it("a hashed output with no salt is a mismatch, never salt 0 (the server's check defaulted to 0)", async () => {
    const ic = await inputCommitment(x);
    const zeroSalted = await outputCommitment([7, 9], 0n);
    expect(await proofMismatch(model("hashed"), { input: x, output: [7, 9] }, dec([ic, zeroSalted]))).toMatch(/no output salt/);
  });

  it("circuitInputs refuses a hashed output without a salt (it used to prove with salt 0: guessable)", () => {
    const layout = { visibility: { weights: "fixed", input: "hashed", output: "hashed" } };
    expect(() => circuitInputs(layout, x)).toThrow(/^salt: the model's output commitment is salted; the salt is missing/);
    expect(circuitInputs(layout, x, { salt: 7n }).salt).toBe(7n);
  });
});

describe("verifyGroth16's public signals", () => {
  it("refuses a signal at or above r, as the server's /verify and the contracts do (snarkjs would reduce it)", async () => {
    const { verifyGroth16 } = await import("./prove.ts");
    const { BN254_R } = await import("./field.ts");
    const proof = { pi_a: [], pi_b: [], pi_c: [], protocol: "groth16", curve: "bn128" } as never;
    await expect(verifyGroth16({}, ["1", (BN254_R + 5n).toString()], proof)).rejects.toThrow(/^publicSignals\[1\]: expected a decimal field element below BN254 r/);
    await expect(verifyGroth16({}, ["1", "-5"], proof)).rejects.toThrow(/^publicSignals\[1\]/);
  });
});
