/**
 * Ops that only move, select or repeat values keep the integer tensor as it is (its scale,
 * type and sign): Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Slice, Split, Pad
 * (constant 0, or a constant the scale holds), Resize/Upsample nearest, DepthToSpace,
 * SpaceToDepth, Expand, Tile, Gather with constant indices, Identity. Zero constraints in the
 * circuit. Attribute forms of older opsets become the inputs opset 17 wants.
 */
import { ProverError } from "../errors.ts";
import type { Node, Tensor } from "../onnx/graph.ts";
import { tensor } from "../onnx/graph.ts";
import type { QTensor, QuantizeContext } from "./context.ts";

export const REWIRE_OPS: readonly string[] = [
  "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Split", "Pad", "Resize", "Upsample",
  "DepthToSpace", "SpaceToDepth", "Expand", "Tile", "Gather", "Identity",
];

/** A float graph's constant input, copied into the integer graph under its own name. */
function keep(ctx: QuantizeContext, name: string, where: string): string {
  if (name === "") return "";
  const t = ctx.float.initializers.get(name);
  if (!t) throw new ProverError(`${where}: input ${name} must be a constant`);
  ctx.inits.set(name, t);
  return name;
}

function ints(ctx: QuantizeContext, base: string, v: number[]): string {
  const name = ctx.fresh(base);
  ctx.inits.set(name, tensor("int64", [v.length], BigInt64Array.from(v, BigInt)));
  return name;
}

const ATTRS: Record<string, string[]> = {
  Flatten: ["axis"], Transpose: ["perm"], Split: ["axis", "num_outputs"], Pad: ["mode"], Gather: ["axis"],
  Resize: ["antialias", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode"],
  DepthToSpace: ["blocksize", "mode"], SpaceToDepth: ["blocksize"],
};

/** onnxruntime (1.30) has DepthToSpace/SpaceToDepth kernels for int8 and uint8 only: an int32 value is requantized first. */
const INT8_ONLY = ["DepthToSpace", "SpaceToDepth"];

/**
 * Resize of opset 10, (X, scales): the legacy nearest lookup, o / scale truncated on a growing
 * axis and rounded up on a shrinking one. Opset 17 says this as asymmetric coordinates with
 * nearest_mode floor or ceil, one mode per node: when some axes grow and others shrink, one
 * Resize per kind (nearest lookups are separable by axis).
 */
function legacyResize(ctx: QuantizeContext, node: Node, x: QTensor, scalesName: string): void {
  const scales = Array.from(ctx.float.initializers.get(scalesName)!.data as ArrayLike<number>, Number);
  const out = node.outputs[0];
  const step = (input: string, pick: (s: number) => boolean, mode: string, output: string): string => {
    const name = ctx.fresh(`${node.name}.scales.${mode}`);
    ctx.inits.set(name, tensor("float32", [scales.length], Float32Array.from(scales, (s) => (pick(s) ? s : 1))));
    const attrs = { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: mode };
    return ctx.emit("Resize", [input, "", name], output, attrs, output === out ? node.name : ctx.fresh(`${node.name}.${mode}`));
  };
  const shrink = scales.some((s) => s < 1), grow = scales.some((s) => s > 1);
  let v = x.name;
  if (shrink) v = step(v, (s) => s < 1, "ceil", grow ? ctx.fresh(`${out}.shrunk`) : out);
  if (grow || !shrink) step(v, (s) => s >= 1, "floor", out);
  ctx.q.set(out, { ...x, name: out, float: out, dims: ctx.dimsOf(out), bias: undefined });
}

export function quantizeRewire(ctx: QuantizeContext, node: Node, where: string): void {
  let x = ctx.get(node, where);
  if (INT8_ONLY.includes(node.opType)) x = ctx.toAct(x, where);
  const p = node.name;
  let opType = node.opType;
  const attrs: Node["attrs"] = {};
  for (const k of ATTRS[opType] ?? []) if (node.attrs[k] !== undefined) attrs[k] = node.attrs[k];
  let rest = node.inputs.slice(1);
  let nonneg = x.nonneg;
  switch (opType) {
    case "Squeeze": case "Unsqueeze":
      if (node.attrs.axes !== undefined) rest = [ints(ctx, `${p}.axes`, node.attrs.axes as number[])];
      else rest = rest.map((n) => keep(ctx, n, where));
      break;
    case "Split": {
      const axis = Number(node.attrs.axis ?? 0);
      if (node.attrs.split !== undefined) rest = [ints(ctx, `${p}.split`, node.attrs.split as number[])];
      // num_outputs (opset 18) is not an opset 17 attribute: the parts' sizes become explicit.
      else if (node.attrs.num_outputs !== undefined) rest = [ints(ctx, `${p}.split`, node.outputs.map((o) => ctx.dimsOf(o).at(axis)!))];
      else rest = rest.map((n) => keep(ctx, n, where));
      delete attrs.num_outputs;
      break;
    }
    case "Slice":
      if (node.attrs.starts !== undefined) {
        rest = [ints(ctx, `${p}.starts`, node.attrs.starts as number[]), ints(ctx, `${p}.ends`, node.attrs.ends as number[])];
        if (node.attrs.axes !== undefined) rest.push(ints(ctx, `${p}.axes`, node.attrs.axes as number[]));
      } else rest = rest.map((n) => keep(ctx, n, where));
      break;
    case "Pad": {
      const mode = (node.attrs.mode as string | undefined) ?? "constant";
      const pads = node.attrs.pads !== undefined ? ints(ctx, `${p}.pads`, node.attrs.pads as number[]) : keep(ctx, rest[0], where);
      let value = 0;
      const vName = node.attrs.pads !== undefined ? undefined : rest[1];
      if (node.attrs.value !== undefined) value = Number(node.attrs.value);
      else if (vName) value = Number(ctx.float.initializers.get(vName)?.data[0] ?? 0);
      rest = [pads];
      if (mode === "constant" && value !== 0) {
        const q = Math.round(value * 2 ** x.shift);
        const [lo, hi] = x.kind === "acc" ? [-(2 ** 31), 2 ** 31 - 1] : x.unsigned ? [0, 255] : [-128, 127];
        if (q < lo || q > hi) throw new ProverError(`${where}: pad value ${value} does not fit the input's ${x.kind === "acc" ? "int32" : x.unsigned ? "uint8" : "int8"} at scale 2^${x.shift}`);
        const dtype = x.kind === "acc" ? "int32" : x.unsigned ? "uint8" : "int8";
        const name = ctx.fresh(`${p}.value`);
        ctx.inits.set(name, { dtype, dims: [], data: dtype === "int32" ? Int32Array.from([q]) : dtype === "uint8" ? Uint8Array.from([q]) : Int8Array.from([q]) } as Tensor);
        rest.push(name);
        nonneg = nonneg && q >= 0;
      } else if (mode === "constant" && node.inputs[3]) rest.push("");
      if (node.inputs[3]) rest.push(keep(ctx, node.inputs[3], where));
      break;
    }
    case "Upsample": {
      // Upsample (opsets 7-9) is Resize nearest with asymmetric coordinates and floor.
      const mode = (node.attrs.mode as string | undefined) ?? "nearest";
      if (mode !== "nearest") throw new ProverError(`${where}: only nearest upsampling is supported (mode ${mode})`);
      const scales = node.attrs.scales !== undefined ? node.attrs.scales as number[] : undefined;
      const sName = scales ? ctx.fresh(`${p}.scales`) : keep(ctx, rest[0], where);
      if (scales) ctx.inits.set(sName, tensor("float32", [scales.length], Float32Array.from(scales)));
      opType = "Resize";
      Object.assign(attrs, { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" });
      rest = ["", sName];
      break;
    }
    case "Resize":
      if ((node.attrs.mode ?? "nearest") !== "nearest") throw new ProverError(`${where}: only nearest resizing is supported (mode ${node.attrs.mode}); linear or cubic resizing is not a rewiring`);
      rest = rest.map((n) => keep(ctx, n, where));
      if (ctx.float.opset < 11) return legacyResize(ctx, node, x, rest[0]);
      break;
    case "Gather":
      if (!ctx.float.initializers.has(rest[0])) throw new ProverError(`${where}: indices computed at run time on a run-time tensor are not supported (constant indices only)`);
      rest = rest.map((n) => keep(ctx, n, where));
      break;
    default:
      rest = rest.map((n) => keep(ctx, n, where));
  }
  const outs = node.outputs.filter((o) => o !== "");
  if (outs.length !== node.outputs.length) throw new ProverError(`${where}: unnamed outputs are not supported`);
  ctx.nodes.push({ name: node.name, opType, inputs: [x.name, ...rest], outputs: outs, attrs });
  for (const o of outs) ctx.q.set(o, { ...x, name: o, float: o, dims: ctx.dimsOf(o), bias: undefined, nonneg });
}
