/**
 * Reading and writing ONNX protobuf bytes, to and from the plain `Graph` form.
 * onnx-proto is the generated protobufjs code for onnx.proto; this file is the only one that
 * sees it.
 */
import { createRequire } from "node:module";
import type { Graph, Node, Tensor, ValueInfo, DType, AttrValue, TensorData } from "./graph.ts";
import { ProverError as OnnxError } from "../errors.ts";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { onnx } = require("onnx-proto") as { onnx: any };

const DTYPE_CODE: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 };
const CODE_DTYPE = new Map<number, DType>(Object.entries(DTYPE_CODE).map(([k, v]) => [v, k as DType]));

function dtypeOf(code: number, where: string): DType {
  const d = CODE_DTYPE.get(code);
  if (!d) throw new OnnxError(`${where}: unsupported tensor data type ${code} (supported: float32, uint8, int8, int32, int64)`);
  return d;
}

function toNum(v: unknown): number {
  return typeof v === "number" ? v : Number(v as { toString(): string });
}

function decodeTensor(t: any, where: string): Tensor {
  const dtype = dtypeOf(t.dataType, `${where} (tensor ${t.name})`);
  const dims = (t.dims ?? []).map(toNum);
  const n = dims.reduce((a: number, b: number) => a * b, 1);
  let data: TensorData;
  const raw: Uint8Array | undefined = t.rawData && t.rawData.length ? t.rawData : undefined;
  if (raw) {
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    data =
      dtype === "float32" ? new Float32Array(buf) :
      dtype === "int8" ? new Int8Array(buf) :
      dtype === "uint8" ? new Uint8Array(buf) :
      dtype === "int32" ? new Int32Array(buf) : new BigInt64Array(buf);
  } else if (dtype === "float32") {
    data = Float32Array.from(t.floatData ?? []);
  } else if (dtype === "int64") {
    data = BigInt64Array.from((t.int64Data ?? []).map((v: unknown) => BigInt(String(v))));
  } else {
    const ints: number[] = (t.int32Data ?? []).map(toNum);
    data = dtype === "int8" ? Int8Array.from(ints) : dtype === "uint8" ? Uint8Array.from(ints) : Int32Array.from(ints);
  }
  if (data.length !== n) throw new OnnxError(`${where} (tensor ${t.name}): ${data.length} values for dims [${dims}]`);
  return { dtype, dims, data };
}

function encodeTensor(name: string, t: Tensor): any {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dataType: DTYPE_CODE[t.dtype], dims: t.dims, rawData: Uint8Array.from(bytes) };
}

function decodeAttr(a: any, where: string): AttrValue {
  switch (a.type) {
    case 1: return a.f;
    case 2: return toNum(a.i);
    case 3: return new TextDecoder().decode(a.s);
    case 4: return decodeTensor(a.t, where);
    case 6: return (a.floats ?? []).map(Number);
    case 7: return (a.ints ?? []).map(toNum);
    default: throw new OnnxError(`${where}: attribute ${a.name} has unsupported type ${a.type}`);
  }
}

// The Graph form keeps attribute values as plain numbers; these ONNX attributes are floats
// even when their value is whole (alpha = 1.0), and onnxruntime rejects them written as ints.
const FLOAT_ATTRS = new Set(["alpha", "beta", "epsilon", "momentum", "ratio", "value_float", "gamma", "lambd", "bias", "scale", "min", "max", "spatial_scale"]);
const FLOAT_LIST_ATTRS = new Set(["value_floats", "scales"]);

function encodeAttr(name: string, v: AttrValue): any {
  if (typeof v === "string") return { name, type: 3, s: new TextEncoder().encode(v) };
  if (typeof v === "number") return Number.isInteger(v) && !FLOAT_ATTRS.has(name) ? { name, type: 2, i: v } : { name, type: 1, f: v };
  if (Array.isArray(v)) return FLOAT_LIST_ATTRS.has(name) || v.some((x) => !Number.isInteger(x)) ? { name, type: 6, floats: v } : { name, type: 7, ints: v };
  return { name, type: 4, t: encodeTensor(name, v) };
}

function decodeValueInfo(v: any): ValueInfo {
  const tt = v.type?.tensorType;
  const dims = (tt?.shape?.dim ?? []).map((d: any) => (d.dimParam ? d.dimParam : toNum(d.dimValue)));
  return { name: v.name, dtype: dtypeOf(tt?.elemType ?? 0, `value ${v.name}`), dims };
}

function encodeValueInfo(v: ValueInfo): any {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DTYPE_CODE[v.dtype],
        shape: { dim: v.dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** Parses ONNX model bytes. Throws OnnxError naming the node or tensor it cannot read. */
export function readOnnx(bytes: Uint8Array): Graph {
  let m: any;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxError(`not an ONNX model: ${(e as Error).message}`);
  }
  const g = m.graph;
  if (!g) throw new OnnxError("ONNX model has no graph");
  const opsetEntry = (m.opsetImport ?? []).find((o: any) => !o.domain || o.domain === "ai.onnx");
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name, decodeTensor(t, "initializer"));
  const nodes: Node[] = (g.node ?? []).map((n: any, i: number) => {
    const name = n.name || `${n.opType}_${i}`;
    const attrs: Record<string, AttrValue> = {};
    for (const a of n.attribute ?? []) attrs[a.name] = decodeAttr(a, `node ${name} (#${i}, ${n.opType})`);
    const domain = n.domain && n.domain !== "ai.onnx" ? { domain: n.domain as string } : {};
    return { name, opType: n.opType, ...domain, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
  });
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps ?? []) metadata[p.key] = p.value;
  return {
    name: g.name ?? "",
    opset: opsetEntry ? toNum(opsetEntry.version) : 0,
    nodes,
    initializers,
    inputs: (g.input ?? []).filter((v: any) => !initializers.has(v.name)).map(decodeValueInfo),
    outputs: (g.output ?? []).map(decodeValueInfo),
    metadata,
  };
}

/** Serialises a graph to ONNX model bytes (IR version 8). Deterministic for equal graphs. */
export function writeOnnx(graph: Graph, producer = "zkinfer"): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: producer,
    opsetImport: [{ domain: "", version: graph.opset }, ...[...new Set(graph.nodes.flatMap((n) => (n.domain ? [n.domain] : [])))].map((domain) => ({ domain, version: 1 }))],
    metadataProps: Object.entries(graph.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        ...(n.domain ? { domain: n.domain } : {}), // absent otherwise: the bytes (and model ids) stay as before
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, v]) => encodeAttr(k, v)),
      })),
      initializer: [...graph.initializers].map(([name, t]) => encodeTensor(name, t)),
      input: graph.inputs.map(encodeValueInfo),
      output: graph.outputs.map(encodeValueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
