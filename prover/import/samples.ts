/**
 * Sample inputs for `zkinfer import` (calibration and test data) from .json, .csv or .npy, each
 * checked against the model's input size, with errors that name the file, the row and the
 * column or field at fault.
 *   .json  an array of inputs (each an array, nested as the input's shape or flat), or
 *          {"inputs": [...], "labels": [...]} (labels optional)
 *   .csv   one input per row; a first row that is not all numbers is a header; with
 *          labelColumn (a header name or a 0-based index) that column is the label
 *   .npy   an array of shape (n, ...) with one input per leading index (float32/float64, C order)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ProverError } from "../errors.ts";
import { readNpy } from "./npy.ts";

export interface Samples {
  file: string;
  /** sha256 of the bytes read. */
  sha256: string;
  /** The inputs as read (before preprocessing), flat. */
  rows: Float64Array[];
  /** One per row when the file has labels. */
  labels?: number[];
  /** Where row i came from, for messages: "row 3 (line 4)". */
  where(i: number): string;
}

export interface ReadSamplesOptions {
  /** Values per input (the model input's size). */
  features: number;
  /** CSV only: the label column, by header name or 0-based index. */
  labelColumn?: string;
  /** Calibration data: a file without the label column is read as inputs only. */
  labelOptional?: boolean;
}

export function readSamples(file: string, o: ReadSamplesOptions): Samples {
  const ext = path.extname(file).toLowerCase();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ProverError(`${file}: cannot read (${(e as Error).message})`);
  }
  if (o.labelColumn !== undefined && ext !== ".csv" && !o.labelOptional) throw new ProverError(`${file}: a label column is read from .csv files only; a .json file gives {"inputs": [...], "labels": [...]}`);
  const s = ext === ".json" ? fromJson(file, bytes) : ext === ".csv" ? fromCsv(file, bytes, o.labelColumn, o.labelOptional ? o.features : undefined) : ext === ".npy" ? fromNpy(file, bytes) : undefined;
  if (!s) throw new ProverError(`${file}: unknown format "${ext}" (expected .json, .csv or .npy)`);
  s.sha256 = createHash("sha256").update(bytes).digest("hex");
  if (s.rows.length === 0) throw new ProverError(`${file}: no inputs in the file`);
  s.rows.forEach((r, i) => {
    if (r.length !== o.features) throw new ProverError(`${file}: ${s.where(i)} has ${r.length} values, the model's input takes ${o.features}`);
  });
  return s;
}

const num = (file: string, where: string, v: unknown): number => {
  const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(x)) throw new ProverError(`${file}: ${where}: ${JSON.stringify(v)} is not a finite number`);
  return x;
};

function fromJson(file: string, bytes: Buffer): Samples {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new ProverError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const obj = !Array.isArray(v) && typeof v === "object" && v !== null ? (v as { inputs?: unknown; labels?: unknown }) : undefined;
  const inputs = obj ? obj.inputs : v;
  if (!Array.isArray(inputs)) throw new ProverError(`${file}: expected an array of inputs, or {"inputs": [...], "labels": [...]}`);
  const where = (i: number) => `${obj ? "inputs" : "input"}[${i}]`;
  const rows = inputs.map((x, i) => {
    if (!Array.isArray(x)) throw new ProverError(`${file}: ${where(i)} is not an array`);
    return Float64Array.from((x as unknown[]).flat(16), (e, j) => num(file, `${where(i)}, value ${j}`, e));
  });
  let labels: number[] | undefined;
  if (obj?.labels !== undefined) {
    if (!Array.isArray(obj.labels) || obj.labels.length !== rows.length) throw new ProverError(`${file}: labels must be an array of ${rows.length} numbers, one per input`);
    labels = obj.labels.map((l, i) => num(file, `labels[${i}]`, Array.isArray(l) ? l.flat(16)[0] : l));
  }
  return { file, sha256: "", rows, labels, where };
}

/** optionalWidth: a file of that many columns has no label column (calibration data may lack it). */
function fromCsv(file: string, bytes: Buffer, labelColumn: string | undefined, optionalWidth?: number): Samples {
  const lines = bytes.toString("utf8").split(/\r?\n/).map((l, i) => ({ line: i + 1, cells: l.split(",").map((c) => c.trim()) })).filter((l) => l.cells.some((c) => c !== ""));
  const isNumber = (c: string) => c !== "" && Number.isFinite(Number(c));
  const header = lines.length && !lines[0].cells.every(isNumber) ? lines.shift()!.cells : undefined;
  let label = -1;
  if (labelColumn !== undefined) {
    label = header?.indexOf(labelColumn) ?? -1;
    if (label < 0 && /^\d+$/.test(labelColumn)) label = Number(labelColumn);
    const width = header?.length ?? lines[0]?.cells.length ?? 0;
    if (optionalWidth !== undefined && width === optionalWidth) label = -1;
    else if (label < 0 || label >= width) throw new ProverError(`${file}: label column "${labelColumn}" is ${header ? `not in the header (${header.join(",")})` : "not a column index"}; the file has ${width} columns`);
  }
  const where = (i: number) => `row ${i + 1} (line ${lines[i].line})`;
  const colName = (j: number) => (header?.[j] ? `column ${j} "${header[j]}"` : `column ${j}`);
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  lines.forEach((l, i) => {
    if (header && l.cells.length !== header.length) throw new ProverError(`${file}: ${where(i)} has ${l.cells.length} columns, the header ${header.length}`);
    const values = l.cells.map((c, j) => num(file, `${where(i)}, ${colName(j)}`, c));
    if (label >= 0) labels.push(...values.splice(label, 1));
    rows.push(Float64Array.from(values));
  });
  return { file, sha256: "", rows, labels: label >= 0 ? labels : undefined, where };
}

function fromNpy(file: string, bytes: Buffer): Samples {
  const { shape, data } = readNpy(bytes, file);
  if (shape.length < 1) throw new ProverError(`${file}: a 0-d array; expected one input per leading index, shape (n, ...)`);
  const n = shape[0];
  const size = shape.slice(1).reduce((a, d) => a * d, 1);
  const rows = Array.from({ length: n }, (_, i) => data.subarray(i * size, (i + 1) * size));
  rows.forEach((r, i) => r.forEach((x, j) => {
    if (!Number.isFinite(x)) throw new ProverError(`${file}: input ${i}, value ${j}: ${x} is not a finite number`);
  }));
  return { file, sha256: "", rows, where: (i) => `input ${i} (of shape (${shape.join(", ")}))` };
}
