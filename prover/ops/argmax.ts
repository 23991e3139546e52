/**
 * ArgMax (onnxruntime: int8, uint8, int32, int64 in; int64 out), with axis, keepdims and
 * select_last_index: the first index of the maximum, or the last. Typically a graph's output
 * (a class index).
 *
 * In the circuit, a group of n values is scanned once, keeping the running maximum m and its
 * index i: at element k one comparison bit c (x_k > m for the first index, x_k >= m for the
 * last), then m' = m + c(x_k - m) and i' = i + c(k - i), two products. The bit is a unique
 * bit decomposition, so a prover can claim neither a non-maximal index nor another maximal one
 * than the rule picks. A group of n >= 2 costs (n - 1)(B + 5) - 2 constraints, B the width of
 * the differences (8 for int8): the first index product is a constant's, the last maximum unused.
 */
import { ProverError } from "../errors.ts";
import { addLin, constLin, scaleLin, type Lin } from "../lowering/linexpr.ts";
import type { Lowering } from "../lowering/lowering.ts";
import type { Node } from "../onnx/graph.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { geBit, select } from "./compare.ts";
import { intAttr, normalizeAxes, reduction } from "./reduce-util.ts";
import { nodeRef } from "./tensor-util.ts";

const TYPES = ["int8", "uint8", "int32", "int64"];

function geometry(node: Node, x: { dtype: string; dims: number[] }) {
  if (!TYPES.includes(x.dtype)) throw new ProverError(`${nodeRef(node)}: integer ArgMax takes ${TYPES.join(", ")}, got ${x.dtype}`);
  const [axis] = normalizeAxes(node, [intAttr(node, "axis", 0)], x.dims.length);
  return { ...reduction(node, x.dims, [axis], intAttr(node, "keepdims", 1) !== 0), last: intAttr(node, "select_last_index", 0) !== 0 };
}

/** The circuit's scan of one group (see the header). */
function argmaxLin(xs: Lin[], last: boolean, ctx: Lowering): Lin {
  let m = xs[0], idx = constLin(0n);
  for (let k = 1; k < xs.length; k++) {
    const x = xs[k];
    // first index: take x iff not (m >= x); last index: take x iff x >= m
    const ge = last ? geBit(x, m, ctx) : geBit(m, x, ctx);
    const take = last ? ge : addLin(constLin(1n), scaleLin(ge, -1n));
    idx = select(take, constLin(BigInt(k)), idx, ctx);
    if (k < xs.length - 1) m = select(take, x, m, ctx); // the last maximum itself is not needed
  }
  return idx;
}

export const ArgMax: OpModule = {
  opType: "ArgMax",
  cost: "n·((g−1)·(B+5) − 2): one comparison bit and a select per element (n outputs, g ≥ 2 elements reduced; B = bits of a difference)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0), g = geometry(node, x);
    const data = g.groups.map((grp) => {
      let best = 0;
      grp.forEach((i, k) => {
        const v = x.data[i], b = x.data[grp[best]];
        if (v > b || (g.last && v === b)) best = k;
      });
      return best;
    });
    return [{ dtype: "int64", dims: g.dims, data }];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0), g = geometry(node, x);
    if (x.kind === "const") return [{ kind: "const", ...ArgMax.evaluate(node, [x])[0] }];
    return [{ kind: "sym", dtype: "int64", dims: g.dims, elems: g.groups.map((grp) => argmaxLin(grp.map((i) => x.elems[i]), g.last, ctx)) }];
  },
};
