/**
 * The one-pass phase 2 computes the key from exponents it re-derives from the public seed; on
 * any other ptau those exponents are not the file's, and the key would not be the ptau's key.
 * It must refuse such a file (writing nothing), and a setup on it must take snarkjs' steps.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { defaultPaths } from "../paths.ts";
import { terminateSnarkjsCurves } from "../snarkjs.ts";
import { blake2b512File, devPtauFileName, ensureDevPtau, generateDevPtau, readPtauHeader } from "../ptau/index.ts";
import { MIN_DEV_POWER } from "../ceremony/ptau.ts";
import { setupGroth16 } from "../setup.ts";
import { circuitPower } from "./exponents.ts";
import { secretStep, writeDevPhase2Key } from "./phase2.ts";
import { randomConstraints, writeR1cs } from "./r1cs-writer.ts";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";
import { snarkjsTestPtau } from "../../test/helpers/groth16-fixture.ts";

const tmp = makeTempDir("zkinfer-dev-phase2-gating-");
afterAll(async () => { tmp.remove(); await terminateSnarkjsCurves(); });

function circuit(name: string): string {
  const file = tmp.file(`${name}.r1cs`);
  writeR1cs(file, { nOutputs: 1, nPubInputs: 1, nPrvInputs: 1, nVars: 8, constraints: randomConstraints(5, 20, 8, new Set()) });
  return file;
}
const n = 2 ** circuitPower(20, 1);
const steps = () => [secretStep("s"), { kind: "beacon" as const, name: "b", hash: new Uint8Array([1, 2, 3]), iterationsExp: 10 }];

/** A copy of the dev ptau (power MIN_DEV_POWER) with `edit` applied to its bytes. */
async function devCopy(file: string, edit: (buf: Buffer, sections: Map<number, { offset: number }>) => void): Promise<string> {
  copyFileSync(await ensureDevPtau(MIN_DEV_POWER, defaultPaths().ptauDir), file);
  const sections = (await readPtauHeader(file)).sections;
  const buf = readFileSync(file);
  edit(buf, sections);
  writeFileSync(file, buf);
  return file;
}
const swapAlphaBeta = (buf: Buffer, s: Map<number, { offset: number }>) => {
  const [a, b] = [s.get(4)!.offset, s.get(5)!.offset];
  const alpha = Buffer.from(buf.subarray(a, a + 64));
  buf.copy(buf, a, b, b + 64);
  alpha.copy(buf, b);
};
// Point 1 of H's 2n segment (section 12 from point 2n - 1) replaced by tau^5 G1: on the curve, wrong.
const tamperH = (buf: Buffer, s: Map<number, { offset: number }>) => { buf.copy(buf, s.get(12)!.offset + 2 * n * 64, s.get(2)!.offset + 5 * 64, s.get(2)!.offset + 6 * 64); };

describe("the one-pass phase 2 applies only to the checked development ptau", () => {
  it("refuses swapped points, a wrong H point, and another seed, writing nothing", async () => {
    const r1cs = circuit("refuse");
    const other = tmp.file("other-seed.ptau");
    await generateDevPtau({ power: 8, outPath: other, seed: "not the public seed", threads: 1 });
    for (const [ptau, why] of [
      [await devCopy(tmp.file("swapped.ptau"), swapAlphaBeta), /alpha\*G1/],
      [await devCopy(tmp.file("h.ptau"), tamperH), new RegExp(`L_1 G1 of the ${2 * n} domain`)],
      [other, /not the development generator's with the public seed/],
    ] as const) {
      const out = tmp.file("refused.zkey");
      const res = await writeDevPhase2Key(r1cs, ptau, out, steps());
      expect(res.written ? "written" : res.why).toMatch(why);
      expect(existsSync(out)).toBe(false);
    }
  }, 120_000);

  it("a setup on a tampered development ptau, or on a ceremony ptau, runs snarkjs' contribute and beacon", async () => {
    const cacheDir = tmp.file("cache");
    mkdirSync(cacheDir);
    await devCopy(`${cacheDir}/${devPtauFileName(MIN_DEV_POWER)}`, swapAlphaBeta);
    const ceremony = await snarkjsTestPtau(8, tmp.file("test-ceremony.ptau"));
    for (const ptau of [{ kind: "dev" as const, cacheDir }, { kind: "file" as const, path: ceremony, expectedHash: await blake2b512File(ceremony) }]) {
      const lines: string[] = [];
      const log = { info: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) };
      const s = await setupGroth16({ r1csPath: circuit(`setup-${ptau.kind}`), setupDir: tmp.file(`setup-${ptau.kind}`), ptau, log });
      const text = lines.join("\n");
      expect(text).not.toMatch(/known exponents/);
      // Printed by snarkjs' contribute and beacon themselves: one hash each, the ones recorded.
      const printed = [...text.matchAll(/Contribution Hash: *\n([\s0-9a-f]+)/g)].map((m) => m[1].replace(/\s/g, ""));
      expect(printed).toEqual(s.contributions.map((c) => c.hash));
      if (ptau.kind === "dev") expect(text).toMatch(/snarkjs contribute and beacon \(the development one-pass key does not apply: ptau .*alpha\*G1/);
    }
    // The untouched development ptau takes the one pass: snarkjs prints no contribution.
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) };
    await setupGroth16({ r1csPath: circuit("setup-good"), setupDir: tmp.file("setup-good"), ptau: { kind: "dev", cacheDir: defaultPaths().ptauDir }, log });
    expect(lines.join("\n")).toMatch(/phase 2 \(secret contribution, beacon\) from the development ptau's known exponents/);
    expect(lines.join("\n")).not.toMatch(/Contribution Hash/);
  }, 180_000);
});
