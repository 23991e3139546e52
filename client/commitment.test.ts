import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inputCommitment } from "../prover/commitment.ts";
import { BN254_R } from "../prover/field.ts";
import { commitInput, inputCommitmentOf, randomSalt } from "./commitment.ts";
import { ZkinferClientError } from "./errors.ts";

const card = (input: string, n: number) => ({ name: "m", visibility: { input, weights: "fixed", output: "public" }, input: { name: "x", shape: [1, n], dtype: "int8" as const, shift: 0, quantization: "" } });

describe("the client's input commitment", () => {
  it("equals prover/commitment.ts on random inputs of every length around the packing boundaries, salted and not", async () => {
    const int8s = (n: number) => fc.array(fc.integer({ min: -128, max: 127 }), { minLength: n, maxLength: n });
    const lengths = fc.constantFrom(1, 30, 31, 32, 64, 465, 466, 784);
    await fc.assert(
      fc.asyncProperty(lengths.chain((n) => fc.tuple(int8s(n), fc.bigInt({ min: 0n, max: BN254_R - 1n }))), async ([x, salt]) => {
        expect(await inputCommitmentOf(x)).toBe(await inputCommitment(x));
        expect(await inputCommitmentOf(x, salt)).toBe(await inputCommitment(x, salt));
      }),
      { numRuns: 40 },
    );
    for (const extreme of [Array(64).fill(-128), Array(64).fill(127)]) expect(await inputCommitmentOf(extreme)).toBe(await inputCommitment(extreme));
  });

  it("follows the card: unsalted, salted with a given or fresh salt, nothing for a public input", async () => {
    const x = Array.from({ length: 64 }, (_, i) => (i * 7) % 256 - 128);
    expect(await commitInput(card("hashed", 64), x)).toEqual({ inputCommitment: String(await inputCommitment(x)) });
    expect(await commitInput(card("hashed-salted", 64), x, "12345")).toEqual({ inputCommitment: String(await inputCommitment(x, 12345n)), inputSalt: "12345" });
    const fresh = await commitInput(card("hashed-salted", 64), x);
    expect(fresh.inputCommitment).toBe(String(await inputCommitment(x, BigInt(fresh.inputSalt!))));
    await expect(commitInput(card("public", 64), x)).rejects.toThrow(/not hashed/);
    const s = randomSalt();
    expect(s >= 0n && s < BN254_R).toBe(true);
  });

  it("refuses a value that is not int8, the wrong count, a salt for an unsalted model and a salt >= r, naming the value", async () => {
    const x = Array(64).fill(0);
    const bad = async (p: Promise<unknown>, field: string) => {
      const e = await p.then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(ZkinferClientError);
      expect((e as ZkinferClientError).field).toBe(field);
    };
    await bad(commitInput(card("hashed", 64), [...x.slice(1), 128]), "input[63]");
    await bad(commitInput(card("hashed", 64), [...x.slice(1), 1.5]), "input[63]");
    await bad(commitInput(card("hashed", 64), x.slice(1)), "input");
    await bad(commitInput(card("hashed", 64), x, "1"), "salt");
    await bad(commitInput(card("hashed-salted", 64), x, String(BN254_R)), "salt");
  });
});
