/**
 * The development key writers on a 2^15 domain, where snarkjs hashes one H point more than it
 * counts (its H hashing runs in chunks of 2^14): the initial key and the one-pass phase 2 must
 * still be snarkjs' bytes. `npm run test:large`: the domain needs a 2^16 ptau, a minute of CPU to
 * generate, and no model of `npm test` needs one (prover/dev-zkey/*.test.ts cover the rest).
 */
import { afterAll, describe, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import type { Lc } from "../prover/dev-zkey/r1cs-writer.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";
import { devPtauFor, expectPhase2AsSnarkjsBeacon, expectSameAsSnarkjs, handmade } from "../test/helpers/dev-zkey-compare.ts";

const tmp = makeTempDir("zkinfer-dev-zkey-large-");
afterAll(async () => { tmp.remove(); await terminateSnarkjsCurves(); });

const one = (s: number): Lc => [[s, 1n]];
const domain15 = () => handmade(tmp, "domain-2-15", {
  nOutputs: 1, nPubInputs: 1, nPrvInputs: 1, nVars: 7,
  constraints: Array.from({ length: 1 << 14 }, (_, i): [Lc, Lc, Lc] => [one(1 + (i % 3)), one(4), one(5 + (i % 2))]),
});

describe("dev-zkey on a 2^15 domain", () => {
  it("writes snarkjs' newZKey bytes", async () => {
    await expectSameAsSnarkjs(tmp, "domain-2-15", domain15());
  }, 600_000);

  it("writes, in one pass, the bytes of snarkjs' beacon over the contributed key", async () => {
    const r1cs = domain15();
    await expectPhase2AsSnarkjsBeacon(tmp, "phase2-2-15", r1cs, await devPtauFor(r1cs));
  }, 600_000);
});
