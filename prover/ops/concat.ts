/** Concat along any axis (negative counts from the end); constant and run-time inputs mix freely. */
import { byCoords, fail, normAxis, rewireOp, strides } from "./rewire.ts";
import { input } from "./operands.ts";

export const Concat = rewireOp(
  "Concat",
  (node, ins) => {
    const xs = node.inputs.map((_, i) => input(node, ins, i));
    if (!xs.length) fail(node, "needs at least one input");
    if (node.attrs.axis === undefined) fail(node, "attribute axis is required");
    const r = xs[0].dims.length;
    const axis = normAxis(node, Number(node.attrs.axis), r, "attribute axis");
    xs.forEach((t, i) => {
      if (t.dims.length !== r || t.dims.some((v, d) => d !== axis && v !== xs[0].dims[d])) {
        fail(node, `input ${i} of dims [${t.dims}] does not match input 0 [${xs[0].dims}] outside axis ${axis}`);
      }
    });
    const dims = xs[0].dims.map((v, d) => (d === axis ? xs.reduce((a, t) => a + t.dims[axis], 0) : v));
    // which input, and where it starts, for each position along the axis
    const owner: number[] = [], base: number[] = [];
    xs.forEach((t, k) => { for (let p = 0; p < t.dims[axis]; p++) { owner.push(k); base.push(p); } });
    const st = xs.map((t) => strides(t.dims));
    const from: number[] = [];
    const w = byCoords(dims, (c) => {
      const k = owner[c[axis]];
      from.push(k);
      return c.reduce((f, v, d) => f + (d === axis ? base[v] : v) * st[k][d], 0);
    });
    return [{ ...w, from }];
  },
  (node) => node.inputs.map((_, i) => i),
);
