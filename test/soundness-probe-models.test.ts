/**
 * The soundness probe on the committed small models' circuits: at the witness of a real test
 * image, no output (the input commitment and the logits) and no intermediate wire can change
 * alone, nor with others to first order (full Jacobian rank), while every constraint stays
 * satisfied. And the probes are not vacuous on them: the circuit with one of its constraints
 * dropped is caught, for some of them, by one-wire probing (naming the freed wire) and, for
 * others, only by the rank.
 */
import { describe, expect, it } from "vitest";
import { openModelDir, buildModelCircuit } from "../prover/model-dir.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { firstViolated, readR1cs } from "../prover/r1cs.ts";
import { readSym } from "../prover/sym.ts";
import { calculateWitness } from "../prover/witness.ts";
import { circuitInputs } from "../prover/inputs.ts";
import { quantizeInput } from "../prover/quantize/index.ts";
import { describeFree, probeSoundness } from "../prover/soundness-probe.ts";
import { jacobianRank } from "../prover/soundness-rank.ts";
import { datasetOf, testSamples } from "../models/lib/datasets.ts";
import { readFileSync } from "node:fs";

const SMALL_MODELS = ["digits-mlp", "fmnist-dense-196-25-10", "tabular-breast-cancer"];

describe.each(SMALL_MODELS)("%s", (name) => {
  it("no output or intermediate wire is free at the witness of two test images; circuits with one constraint dropped are caught", async () => {
    const m = openModelDir(name);
    const graph = readOnnx(readFileSync(m.onnxPath));
    const build = await buildModelCircuit(m);
    const r1cs = readR1cs(build.r1cs), sym = readSym(build.sym);
    let w: bigint[] = [];
    for (const s of testSamples(datasetOf(m.manifest)).slice(0, 2)) {
      w = await calculateWitness(build.wasm, circuitInputs(m.manifest, quantizeInput(s.x, m.manifest.input.shift), { graph, salt: 1n, inputSalt: 1n }));
      const r = probeSoundness(r1cs, w, { sym });
      console.log(`${name}: ${r.probed} wires probed in ${r.ms} ms (${r1cs.nConstraints} constraints), ${r.benign.length} benign free`);
      expect(r.free.map(describeFree)).toEqual([]);
      // Nor with others (to first order): the Jacobian has full column rank.
      const rank = jacobianRank(r1cs, w, { sym, exclude: new Set(r.benign.map((f) => f.wire)) });
      console.log(`${name}: Jacobian rank ${rank.rank} of ${rank.columns} columns in ${rank.ms} ms`);
      expect(rank.dependent).toEqual([]);
      expect(r.probed).toBe(r1cs.nWires - 1 - r1cs.nPubInputs - r1cs.nPrvInputs);
    }
    // Cross-check with the plain checker of prover/r1cs.ts on 60 wires: +1, p − 1 and a large
    // value, each alone, violate some constraint; a benign wire's alternative violates none.
    const outputsAndIntermediates = Array.from({ length: r1cs.nWires }, (_, i) => i).filter((i) => i > 0 && (i <= r1cs.nOutputs || i > r1cs.nOutputs + r1cs.nPubInputs + r1cs.nPrvInputs));
    const benign = new Set(probeSoundness(r1cs, w, { sym }).benign.map((f) => f.wire));
    const changed = (i: number, v: bigint) => w.map((x, j) => (j === i ? v : x));
    for (const i of outputsAndIntermediates.filter((_, j) => j % Math.ceil(outputsAndIntermediates.length / 60) === 0)) {
      if (benign.has(i)) continue;
      for (const v of [(w[i] + 1n) % r1cs.prime, r1cs.prime - 1n, 12345678901234567890n]) if (v !== w[i]) expect(firstViolated(r1cs, changed(i, v)), `wire ${i} = ${v}`).toBeGreaterThanOrEqual(0);
    }
    for (const f of probeSoundness(r1cs, w, { sym }).benign) expect(firstViolated(r1cs, changed(f.wire, f.alternative))).toBe(-1);
    // Mutants: the circuit with one constraint dropped (40 spread over the circuit). A mutant
    // that leaves a wire free must be caught, naming only wires of the dropped constraint; some
    // constraints are redundant at this witness (a quotient bit also pinned by the output
    // product), so not every mutant is, but some must be.
    const wiresOf = ([a, b, c]: (typeof r1cs.constraints)[number]) => new Set([...a.keys(), ...b.keys(), ...c.keys()]);
    const dropped = Array.from({ length: 40 }, (_, j) => Math.floor((j * r1cs.nConstraints) / 40));
    const caught = dropped.filter((k) => {
      const mutant = { ...r1cs, constraints: r1cs.constraints.filter((_, j) => j !== k), nConstraints: r1cs.nConstraints - 1 };
      const free = probeSoundness(mutant, w, { sym }).free;
      for (const f of free) {
        expect(wiresOf(r1cs.constraints[k]).has(f.wire)).toBe(true);
        expect(firstViolated(mutant, w.map((x, j) => (j === f.wire ? f.alternative : x)))).toBe(-1); // the free value is a real witness of the mutant
      }
      return free.length > 0;
    });
    const caughtByRank = dropped.filter((k) => {
      const mutant = { ...r1cs, constraints: r1cs.constraints.filter((_, j) => j !== k), nConstraints: r1cs.nConstraints - 1 };
      const single = probeSoundness(mutant, w, { sym });
      return jacobianRank(mutant, w, { sym, exclude: new Set(single.benign.map((f) => f.wire)) }).dependent.length > 0;
    });
    // The two are complementary: one-wire probing finds other discrete values (a bit's other
    // root), the rank finds directions in which several wires move together.
    const onlyRank = caughtByRank.filter((k) => !caught.includes(k));
    console.log(`${name}: one-constraint mutants caught: ${caught.length} of ${dropped.length} by one-wire probing, ${caughtByRank.length} by the rank, ${onlyRank.length} only by the rank`);
    expect(onlyRank.length).toBeGreaterThan(0);
    console.log(`${name}: ${caught.length} of ${dropped.length} one-constraint mutants caught; e.g. constraint ${caught[0]} dropped: ${probeSoundness({ ...r1cs, constraints: r1cs.constraints.filter((_, j) => j !== caught[0]) }, w, { sym }).free.map(describeFree).join("; ").slice(0, 400)}`);
    expect(caught.length).toBeGreaterThan(0);
  }, 120_000);
});
