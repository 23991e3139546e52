/**
 * The in-memory form of an ONNX graph that the quantizer, the evaluator and the circuit
 * compiler share. It keeps only what they need (nodes, initializers, typed inputs and
 * outputs, opset), so none of them touches protobuf.
 */

export type DType = "float32" | "int8" | "uint8" | "int32" | "int64";

export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

export type AttrValue = number | string | number[] | Tensor;

export interface Node {
  name: string;
  opType: string;
  /** The operator set the op comes from, when not the default ONNX one ("" / "ai.onnx"). */
  domain?: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** A dimension is a number, or a symbolic name such as "batch". */
  dims: (number | string)[];
}

export interface Graph {
  name: string;
  opset: number;
  nodes: Node[];
  initializers: Map<string, Tensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Free-form key/value pairs stored in the model's metadata_props. */
  metadata: Record<string, string>;
}

export function tensorSize(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Makes a tensor, checking that the data length matches the dims. */
export function tensor(dtype: DType, dims: number[], data: TensorData): Tensor {
  if (data.length !== tensorSize(dims)) {
    throw new Error(`tensor of dims [${dims}] needs ${tensorSize(dims)} values, got ${data.length}`);
  }
  return { dtype, dims, data };
}
