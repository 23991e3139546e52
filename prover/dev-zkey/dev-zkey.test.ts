/**
 * The development shortcut for newZKey must write exactly snarkjs' bytes (same points, same
 * coefficient section, same circuit hash), and must refuse any ptau whose toxic waste it
 * cannot re-derive and confirm: a key computed from secrets that are not the file's would
 * not match the powers of tau it claims to come from.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileCircom, REPO_ROOT } from "../circom.ts";
import { defaultPaths } from "../paths.ts";
import { readR1cs } from "../r1cs.ts";
import { terminateSnarkjsCurves } from "../snarkjs.ts";
import { ensureDevPtau, generateDevPtau, readPtauHeader } from "../ptau/index.ts";
import { MIN_DEV_POWER } from "../ceremony/ptau.ts";
import { newDevZKey, newZKey } from "./index.ts";
import { circuitPower } from "./exponents.ts";
import { randomConstraints, type R1csSpec } from "./r1cs-writer.ts";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";
import { devPtauFor, expectSameAsSnarkjs as sameAsSnarkjs, handmade as writeHandmade } from "../../test/helpers/dev-zkey-compare.ts";

const tmp = makeTempDir("zkinfer-dev-zkey-test-");
afterAll(async () => { tmp.remove(); await terminateSnarkjsCurves(); });

const expectSameAsSnarkjs = (name: string, r1cs: string, ptau?: string) => sameAsSnarkjs(tmp, name, r1cs, ptau);
const handmade = (name: string, spec: R1csSpec) => writeHandmade(tmp, name, spec);

describe("newDevZKey is byte-identical to snarkjs' newZKey", () => {
  it("on a compiled circuit with two outputs and three public inputs, one in no constraint", async () => {
    const { r1cs } = await compileCircom(path.join(REPO_ROOT, "prover", "dev-zkey", "fixtures", "publics.circom"), tmp.file("publics"));
    expect(readR1cs(r1cs)).toMatchObject({ nOutputs: 2, nPubInputs: 3 });
    await expectSameAsSnarkjs("publics", r1cs);
  });

  it("with duplicate terms, empty combinations, unused signals and coefficients 0, r, r+5, 2^256-1", async () => {
    // Wires: 0 one, 1..2 outputs, 3..5 public inputs, 6..7 private, 8..29 internal; 5 and 20 unused.
    const spec = { nOutputs: 2, nPubInputs: 3, nPrvInputs: 2, nVars: 30, constraints: randomConstraints(7, 80, 30, new Set([5, 20])) };
    const file = handmade("random", spec);
    const used = new Set(spec.constraints.flat(2).map(([s]) => s));
    expect([used.has(5), used.has(20), spec.constraints.some(([a]) => new Set(a.map(([s]) => s)).size < a.length)]).toEqual([false, false, true]);
    await expectSameAsSnarkjs("random", file);
  });

  it("at the power boundary: constraints + public fill the domain, and one more", async () => {
    // nPublic = 3: rows 0..59 constraints, 60..63 the public rows = all of 2^6; 61 constraints need 2^7.
    for (const nCons of [60, 61]) {
      const spec = { nOutputs: 1, nPubInputs: 2, nPrvInputs: 1, nVars: 12, constraints: randomConstraints(nCons, nCons, 12, new Set()) };
      await expectSameAsSnarkjs(`boundary-${nCons}`, handmade(`boundary-${nCons}`, spec));
    }
  });

  // A 2^15 domain (snarkjs hashes one H point more than it counts there) needs a 2^16 ptau:
  // bench/dev-zkey-large.test.ts, with `npm run test:large`.
});

describe("newDevZKey refuses a ptau whose toxic waste it cannot confirm", () => {
  const spec = () => ({ nOutputs: 1, nPubInputs: 1, nPrvInputs: 1, nVars: 8, constraints: randomConstraints(3, 20, 8, new Set()) });

  async function devCopy(name: string): Promise<string> {
    const file = tmp.file(`${name}.ptau`);
    copyFileSync(await ensureDevPtau(MIN_DEV_POWER, defaultPaths().ptauDir), file);
    return file;
  }

  /** A copy of the dev ptau whose point `index` of `section` is tau^5 times the generator. */
  async function tampered(name: string, section: number, index: number, pointBytes: number): Promise<string> {
    const file = await devCopy(name);
    const sections = (await readPtauHeader(file)).sections;
    const buf = readFileSync(file);
    const from = sections.get(pointBytes === 64 ? 2 : 3)!.offset + 5 * pointBytes;
    buf.copy(buf, sections.get(section)!.offset + index * pointBytes, from, from + pointBytes); // on the curve, not tau's
    writeFileSync(file, buf);
    return file;
  }

  for (const [what, section, index, size, why] of [
    ["tau*G1", 2, 1, 64, /tau\*G1 \(section 2, point 1\)/],
    ["alpha*G1", 4, 0, 64, /alpha\*G1/],
    ["beta*G2", 6, 0, 128, /beta\*G2/],
    ["a Lagrange point of the domain", 12, 2 ** circuitPower(20, 1) - 1, 64, /L_0 G1/],
  ] as const) {
    it(`when ${what} is not the re-derived point`, async () => {
      const r1cs = handmade(`tamper-${section}`, spec());
      const out = tmp.file(`tamper-${section}.zkey`);
      const res = await newDevZKey(r1cs, await tampered(`tamper-${section}`, section, index, size), out);
      expect(res.written).toBe(false);
      expect(res.written ? "" : res.why).toMatch(why);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("when the file was made with another seed, or its contribution is not the generator's", async () => {
    const r1cs = handmade("other-seed", spec());
    const other = tmp.file("other-seed.ptau");
    await generateDevPtau({ power: 8, outPath: other, seed: "not the public seed", threads: 1 });
    const res = await newDevZKey(r1cs, other, tmp.file("other-seed.zkey"));
    expect(res).toEqual({ written: false, why: expect.stringMatching(/not the development generator's with the public seed/) });
    const named = await devCopy("renamed");
    const buf = readFileSync(named);
    buf.write("insecure", buf.indexOf("INSECURE dev ptau"), "latin1");
    writeFileSync(named, buf);
    expect((await newDevZKey(r1cs, named, tmp.file("renamed.zkey"))).written).toBe(false);
  });

  it("newZKey falls back to snarkjs then, and never takes the shortcut for a ceremony file", async () => {
    const r1cs = handmade("fallback", spec());
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m) };
    const bad = await tampered("fallback", 2, 1, 64);
    await newZKey(r1cs, { file: bad, info: { kind: "dev" } }, tmp.file("fallback-dev.zkey"), log);
    expect(lines.join("\n")).toMatch(/snarkjs newZKey \(the development shortcut does not apply: ptau .*tau\*G1/);
    const good = await devPtauFor(r1cs);
    lines.length = 0;
    await newZKey(r1cs, { file: good, info: { kind: "file" } }, tmp.file("fallback-file.zkey"), log);
    expect(lines.join("\n")).not.toMatch(/known exponents|shortcut/);
    lines.length = 0;
    await newZKey(r1cs, { file: good, info: { kind: "dev" } }, tmp.file("fallback-ok.zkey"), log);
    expect(lines.join("\n")).toMatch(/known exponents/);
    expect(readFileSync(tmp.file("fallback-ok.zkey")).equals(readFileSync(tmp.file("fallback-file.zkey")))).toBe(true);
  });
});
