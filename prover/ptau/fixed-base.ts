// Fixed-base scalar multiplication of the G1/G2 generators on ffjavascript's wasm,
// the hot loop of the dev ptau generator. Runs inside a worker on a single-threaded
// curve. Why not curve.G1.timesFr: each call allocates and copies in JS (~0.3 ms G1,
// ~1.1 ms G2); here a table of affine multiples d * 2^(w*k) * G lives in wasm memory,
// so one multiplication is ~254/w mixed additions called straight on wasm pointers,
// and a whole job is converted to affine with one batch inversion. The wasm's affine
// layout is little-endian Montgomery, exactly snarkjs' "LEM" file encoding, so the
// result bytes go to the file untouched.
import { SCALAR_STRIDE } from "./scalars.ts";

const SCALAR_BITS = 254; // BN254 Fr elements are < 2^254

/** The parts of ffjavascript's thread manager we use (it ships no types). */
interface WasmTm {
  memory: WebAssembly.Memory;
  u8: Uint8Array;
  u32: Uint32Array;
  instance: WebAssembly.Instance;
  alloc(length: number): number;
}

export interface FfCurve {
  tm: WasmTm;
  G1: { F: { n8: number }; oneAffine: Uint8Array };
  G2: { F: { n8: number }; oneAffine: Uint8Array };
  terminate(): Promise<void>;
}

type WasmFn = (...args: number[]) => number;

/** Grows wasm memory for our tables, keeping ffjavascript's cached views valid. */
function reserve(tm: WasmTm, bytes: number): number {
  // batchToAffine uses scratch space above the free pointer, proportional to its batch: a
  // 2^14-entry G2 window table needs over 2 MB of it (1 MB overran at 2^17 and up).
  const slack = 32 << 20;
  const needed = tm.u32[0] + bytes + slack + 64;
  const have = tm.memory.buffer.byteLength;
  if (needed > have) {
    tm.memory.grow(Math.ceil((needed - have) / 65536));
    // grow() detaches the old ArrayBuffer: refresh the views ffjavascript reads through.
    tm.u8 = new Uint8Array(tm.memory.buffer);
    tm.u32 = new Uint32Array(tm.memory.buffer);
  }
  return tm.alloc(bytes);
}

export class FixedBaseMultiplier {
  private readonly tm: WasmTm;
  private readonly addMixed: WasmFn;
  private readonly zero: WasmFn;
  private readonly toAffine: WasmFn;
  private readonly sA: number; // affine point bytes
  private readonly sJ: number; // jacobian point bytes
  private readonly nWin: number;
  private readonly pTable: number;
  private pJac = 0;
  private pAff = 0;
  private capacity = 0;

  constructor(curve: FfCurve, group: "G1" | "G2", private readonly w: number) {
    this.tm = curve.tm;
    const prefix = group === "G1" ? "g1m" : "g2m";
    const ex = this.tm.instance.exports as Record<string, WasmFn>;
    this.addMixed = ex[`${prefix}_addMixed`];
    this.zero = ex[`${prefix}_zero`];
    this.toAffine = ex[`${prefix}_batchToAffine`];
    const n8 = curve[group].F.n8;
    this.sA = n8 * 2;
    this.sJ = n8 * 3;
    this.nWin = Math.ceil(SCALAR_BITS / w);
    const perWin = 1 << w;
    this.pTable = reserve(this.tm, this.nWin * perWin * this.sA);
    this.buildTable(curve[group].oneAffine, perWin);
  }

  /** table[k][d] = d * 2^(w*k) * G in affine form (d = 0 is never read). */
  private buildTable(genAffine: Uint8Array, perWin: number): void {
    const { sA, sJ } = this;
    const pBase = reserve(this.tm, sA);
    const pJacTab = reserve(this.tm, perWin * sJ);
    this.tm.u8.set(genAffine, pBase);
    for (let k = 0; k < this.nWin; k++) {
      this.zero(pJacTab);
      this.addMixed(pJacTab, pBase, pJacTab);
      for (let d = 2; d < perWin; d++) {
        this.addMixed(pJacTab + (d - 2) * sJ, pBase, pJacTab + (d - 1) * sJ);
      }
      // Entry perWin-1 (index perWin-1 in the jac buffer) = perWin * base: the next window's base.
      this.addMixed(pJacTab + (perWin - 2) * sJ, pBase, pJacTab + (perWin - 1) * sJ);
      this.toAffine(pJacTab, perWin - 1, this.pTable + (k * perWin + 1) * sA);
      this.toAffine(pJacTab + (perWin - 1) * sJ, 1, pBase);
    }
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    // Old buffers are abandoned (bump allocator); jobs have a fixed maximum size,
    // so this happens once or twice per worker.
    this.pJac = reserve(this.tm, n * this.sJ);
    this.pAff = reserve(this.tm, n * this.sA);
    this.capacity = n;
  }

  /** scalars: SCALAR_STRIDE-byte little-endian entries (see encodeScalars). */
  multiply(scalars: Uint8Array, n: number): Uint8Array {
    this.ensureCapacity(n);
    const { w, nWin, sA, sJ, pTable, addMixed } = this;
    const mask = (1 << w) - 1;
    for (let i = 0; i < n; i++) {
      const pAcc = this.pJac + i * sJ;
      this.zero(pAcc);
      const so = i * SCALAR_STRIDE;
      for (let k = 0; k < nWin; k++) {
        const bit = k * w;
        const o = so + (bit >>> 3);
        const v = scalars[o] | (scalars[o + 1] << 8) | (scalars[o + 2] << 16);
        const d = (v >>> (bit & 7)) & mask;
        if (d !== 0) addMixed(pAcc, pTable + ((k << w) + d) * sA, pAcc);
      }
    }
    this.toAffine(this.pJac, n, this.pAff);
    return this.tm.u8.slice(this.pAff, this.pAff + n * sA);
  }
}
