/**
 * circom emission of the commitments (see prover/commitment.ts for the definition): range
 * check and pack with PackBits, then a chain of circomlib Poseidon. Costs are measured values
 * of circomlib's Poseidon after --O2.
 */
import { CHUNK, perElement } from "../commitment.ts";
import type { Lowering } from "../lowering/lowering.ts";

/** circomlib Poseidon(n) after --O2, measured for n = 1..16 (index n). */
const POSEIDON_CONSTRAINTS = [0, 213, 240, 261, 297, 321, 354, 381, 402, 417, 459, 465, 504, 543, 537, 573, 609];

export function chainCost(nElems: number): number {
  let cost = 0;
  for (let j = 0; j < nElems; j += CHUNK) cost += POSEIDON_CONSTRAINTS[1 + Math.min(CHUNK, nElems - j)];
  return cost;
}

/** Emits h = seed; h = Poseidon(h, chunk) ...; returns the expression of the final h. */
export function emitChain(ctx: Lowering, prefix: string, seed: string, elems: string[]): string {
  let h = seed;
  for (let j = 0, c = 0; j < elems.length; j += CHUNK, c++) {
    const chunk = elems.slice(j, j + CHUNK);
    const name = `${prefix}${c}`;
    ctx.emit(`component ${name} = Poseidon(${chunk.length + 1});`);
    ctx.emit(`${name}.inputs[0] <== ${h};`);
    chunk.forEach((e, i) => ctx.emit(`${name}.inputs[${i + 1}] <== ${e};`));
    h = `${name}.out`;
  }
  ctx.addCost(chainCost(elems.length));
  return h;
}

/** Range-checks and packs signals `arr[0..n)` of `bits` bits; returns the packed element expressions. */
export function emitPack(ctx: Lowering, name: string, arr: string, n: number, bits: number): string[] {
  ctx.emit(`component ${name} = PackBits(${n}, ${bits});`);
  ctx.emit(`for (var i = 0; i < ${n}; i++) ${name}.in[i] <== ${arr}[i];`);
  ctx.addCost(n * bits);
  return Array.from({ length: Math.ceil(n / perElement(bits)) }, (_, j) => `${name}.packed[${j}]`);
}
