/**
 * A reader for NumPy's .npy files (format versions 1-3), enough for calibration and test data:
 * float32 or float64 (also the integer types, read as numbers), little-endian, C order. A
 * Fortran-ordered, big-endian, object or structured array is refused with the reason.
 *
 * Format (numpy/lib/format.py): "\x93NUMPY", major and minor version bytes, the header length
 * (uint16 LE in v1, uint32 LE in v2/v3), then a Python dict literal such as
 * {'descr': '<f4', 'fortran_order': False, 'shape': (455, 30), } padded to a multiple of 16 (v1)
 * or 64, then the raw data.
 *
 * @example
 *   const { shape, data } = readNpy(readFileSync("calibration.npy"), "calibration.npy");
 */
import { ProverError } from "../errors.ts";

export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const READERS: Record<string, { size: number; get: (v: DataView, at: number) => number }> = {
  f4: { size: 4, get: (v, at) => v.getFloat32(at, true) },
  f8: { size: 8, get: (v, at) => v.getFloat64(at, true) },
  i1: { size: 1, get: (v, at) => v.getInt8(at) },
  u1: { size: 1, get: (v, at) => v.getUint8(at) },
  i2: { size: 2, get: (v, at) => v.getInt16(at, true) },
  u2: { size: 2, get: (v, at) => v.getUint16(at, true) },
  i4: { size: 4, get: (v, at) => v.getInt32(at, true) },
  u4: { size: 4, get: (v, at) => v.getUint32(at, true) },
  i8: { size: 8, get: (v, at) => Number(v.getBigInt64(at, true)) },
  u8: { size: 8, get: (v, at) => Number(v.getBigUint64(at, true)) },
};

export function readNpy(bytes: Uint8Array, file: string): NpyArray {
  const bad = (why: string) => new ProverError(`${file}: not a readable .npy file: ${why}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad("it does not start with \\x93NUMPY");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw bad(`format version ${major}.${bytes[7]} (1 to 3 are read)`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw bad("the header runs past the end of the file");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(`header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  if (fortran === "True") throw bad("the array is in Fortran order; save it with np.ascontiguousarray(a) (C order)");
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const reader = m ? READERS[`${m[2]}${m[3]}`] : undefined;
  if (!m || !reader) throw bad(`dtype '${descr}' (float32 '<f4' and float64 '<f8' are read, and integers)`);
  if (m[1] === ">" && reader.size > 1) throw bad(`dtype '${descr}' is big-endian; save it as little-endian (a.astype('<f4'))`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`shape (${shapeText})`);
  const n = shape.reduce((a, d) => a * d, 1);
  const offset = start + headerLen;
  if (bytes.length - offset !== n * reader.size) throw bad(`shape (${shape.join(", ")}) of '${descr}' needs ${n * reader.size} data bytes, the file has ${bytes.length - offset}`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = reader.get(view, offset + i * reader.size);
  return { shape, data };
}

/** A .npy file's bytes for a float array (the tests write their fixtures with it). */
export function writeNpy(shape: number[], data: ArrayLike<number>, dtype: "<f4" | "<f8" = "<f4"): Uint8Array {
  const size = dtype === "<f4" ? 4 : 8;
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const pad = 64 - ((10 + dict.length + 1) % 64);
  const header = `${dict}${" ".repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.length * size);
  out.set(MAGIC);
  out[6] = 1;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  for (let i = 0; i < data.length; i++) {
    if (size === 4) view.setFloat32(10 + header.length + i * 4, data[i], true);
    else view.setFloat64(10 + header.length + i * 8, data[i], true);
  }
  return out;
}
