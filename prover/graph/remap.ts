/**
 * The one loop behind every kernel whose output element reads one input element chosen
 * independently per axis (Slice, Pad, Tile, Expand, Resize and Upsample nearest): each axis
 * has a map from output index to input index, -1 meaning "no input element, take the fill".
 */
import { size, type FloatValue } from "./value.ts";

/**
 * out[i0, i1, ...] = x[maps[0][i0], maps[1][i1], ...], or `fill` where any map gives -1.
 * Example: Tile by 2 along a length-3 axis is the map [0, 1, 2, 0, 1, 2].
 */
export function remap(x: FloatValue, maps: number[][], fill = 0): FloatValue {
  const dims = maps.map((m) => m.length);
  const r = dims.length;
  // Per axis, the input offset each output index contributes (NaN: read the fill).
  let stride = 1;
  const offsets: number[][] = new Array(r);
  for (let a = r - 1; a >= 0; a--) {
    const s = stride;
    offsets[a] = maps[a].map((i) => (i < 0 ? NaN : i * s));
    stride *= x.dims[a];
  }
  const out = new Float64Array(size(dims));
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let a = 0; a < r; a++) src += offsets[a][idx[a]];
    out[o] = Number.isNaN(src) ? fill : x.data[src];
    for (let a = r - 1; a >= 0; a--) {
      if (++idx[a] < dims[a]) break;
      idx[a] = 0;
    }
  }
  return { dims, data: out, kind: x.kind };
}

/** The identity map of one axis. */
export const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
