/**
 * A univariate nonlinearity as the integer ONNX writes it: Gather(table, indices) with a
 * constant 1-D table (Sigmoid, Tanh, GELU, ... evaluated on every int8 value) and run-time
 * indices, the Cast to int32 of an int8 (or uint8) activation. ONNX Gather counts a negative
 * index from the end, so a 256-entry table in two's-complement order (table[v & 255]) serves
 * an int8 index without any Add. In the circuit each element is one TableLookup over the
 * range its bounds allow (lowering/table-lookup.ts).
 *
 * The Gather op module (./gather.ts) calls `lowerTableLookup` for this case.
 */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { Lowering, SymTensor } from "../lowering/lowering.ts";
import { lowerLookup, MAX_LOOKUP_BITS } from "../lowering/table-lookup.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { nodeRef } from "./tensor-util.ts";

/** The most entries one lookup ranges over (an int8 or uint8 index: 256). */
export const MAX_TABLE_ENTRIES = 1 << MAX_LOOKUP_BITS;

type Table = Pick<IntTensor, "dtype" | "dims" | "data">;

/** A 1-D table gathered along axis 0 (axis -1 is the same axis of a 1-D tensor). */
function checkTable(node: Node, table: Table): number {
  const axis = Number(node.attrs.axis ?? 0);
  if (table.dims.length !== 1) throw new ProverError(`${nodeRef(node)}: a lookup table must be 1-D, data (${node.inputs[0]}) has dims [${table.dims}]`);
  if (axis !== 0 && axis !== -1) throw new ProverError(`${nodeRef(node)}: a lookup table is gathered along axis 0, not axis ${axis}`);
  return table.dims[0];
}

/** Integer semantics of Gather on a 1-D table: out[i] = table[idx[i]], idx[i] < 0 counting from the end. */
export function evaluateTableGather(node: Node, table: Table, indices: IntTensor): IntTensor {
  const s = checkTable(node, table);
  const data = indices.data.map((v, i) => {
    if (v < -s || v >= s) throw new ProverError(`${nodeRef(node)}: index ${v} (element ${i}) is outside [${-s}, ${s - 1}]`);
    return table.data[v < 0 ? v + s : v];
  });
  return { dtype: table.dtype, dims: indices.dims, data };
}

/**
 * The lookup of each element of run-time `indices` in a constant 1-D `table`. Example: for
 * `Gather(sigmoidTable, Cast(x, to=int32))` with x int8, each element costs 34 constraints.
 */
export function lowerTableLookup(node: Node, table: Table, indices: SymTensor, ctx: Lowering): SymTensor[] {
  const s = checkTable(node, table);
  if (indices.kind !== "sym") return [{ kind: "const", ...evaluateTableGather(node, table, indices) }];
  if (indices.dtype !== "int32" && indices.dtype !== "int64") throw new ProverError(`${nodeRef(node)}: indices must be int32 or int64, are ${indices.dtype}`);
  const elems = indices.elems.map((x, i) => {
    if (x.min < BigInt(-s) || x.max >= BigInt(s)) {
      throw new ProverError(`${nodeRef(node)}: index ${i} may range over [${x.min}, ${x.max}], outside the table's [${-s}, ${s - 1}]`);
    }
    if (x.max - x.min >= BigInt(MAX_TABLE_ENTRIES)) {
      throw new ProverError(`${nodeRef(node)}: index ${i} ranges over [${x.min}, ${x.max}], more than the ${MAX_TABLE_ENTRIES} values a lookup supports`);
    }
    const entries: bigint[] = [];
    for (let v = Number(x.min); v <= Number(x.max); v++) entries.push(BigInt(table.data[v < 0 ? v + s : v]));
    return lowerLookup(x, x.min, entries, ctx, `${nodeRef(node)}, index ${i}`);
  });
  return [{ kind: "sym", dtype: table.dtype, dims: indices.dims, elems }];
}
