import { describe, expect, it } from "vitest";
import { modelCommitmentMismatch } from "./model-commitments.ts";

const hashed = {
  name: "m",
  visibility: { weights: "hashed" },
  publicSignals: ["inputCommitment", "weightsCommitment", "out[0]"],
  weightsCommitment: "4242",
};
const fixed = { name: "f", visibility: { weights: "fixed" }, publicSignals: ["inputCommitment", "out[0]"] };

describe("modelCommitmentMismatch", () => {
  it("accepts a proof carrying the model's weights commitment, whatever its other signals", () => {
    expect(modelCommitmentMismatch(hashed, ["1", "4242", "7"])).toBeUndefined();
    expect(modelCommitmentMismatch(hashed, ["9", "04242", "0"])).toBeUndefined();
  });

  it("names the signal, the proof's value and the model's when the weights differ", () => {
    expect(modelCommitmentMismatch(hashed, ["1", "4243", "7"])).toBe("weightsCommitment (public signal 1) is 4243, not model m's 4242: the proof is for other weights");
    expect(modelCommitmentMismatch(hashed, ["1", "0x1092", "7"])).toMatch(/is 0x1092, not model m's 4242/);
  });

  it("refuses every proof of a hashed-weights model whose manifest records no commitment", () => {
    const { weightsCommitment: _, ...stale } = hashed;
    expect(modelCommitmentMismatch(stale, ["1", "4242", "7"])).toMatch(/manifest records no weightsCommitment/);
    expect(modelCommitmentMismatch({ ...hashed, publicSignals: ["inputCommitment", "out[0]"] }, ["1", "2"])).toMatch(/no weightsCommitment among its public signals/);
  });

  it("refuses a signal count other than the layout's", () => {
    expect(modelCommitmentMismatch(hashed, ["1", "4242"])).toBe("expected 3 public signals (m's layout), got 2");
  });

  it("has nothing to compare for fixed weights (the verifying key binds them), but refuses a layout that contradicts it", () => {
    expect(modelCommitmentMismatch(fixed, ["1", "2"])).toBeUndefined();
    expect(modelCommitmentMismatch({ ...fixed, publicSignals: hashed.publicSignals }, ["1", "2", "3"])).toMatch(/weights are "fixed" but its layout has a weightsCommitment/);
  });
});
