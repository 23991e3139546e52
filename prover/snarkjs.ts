/**
 * Typed facade over the parts of snarkjs that zkinfer uses (prover/, verifier-contracts/, tests).
 *
 * Why: snarkjs ships no type declarations. Rather than a global `declare module "snarkjs"`
 * (which would collide with whatever another part of the repo declares), we import it through a
 * non-literal specifier (typed `any` by TypeScript) and give that object the narrow interface
 * below. Only the signatures we call are described.
 */

/** A snarkjs Groth16 proof as produced by `groth16.prove`/`fullProve` (decimal strings). */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

/** A point or field element inside ffjavascript's wasm (an opaque byte buffer). */
export type WasmValue = Uint8Array;

/** ffjavascript group (G1 or G2): the few operations zkinfer uses to read and check keys. */
export interface CurveGroup {
  F: { n8: number };
  fromRprLEM(buff: Uint8Array, offset: number): WasmValue;
  toRprUncompressed(buff: Uint8Array, offset: number, p: WasmValue): void;
  fromObject(o: bigint[] | bigint[][]): WasmValue;
  toObject(p: WasmValue): unknown[];
  toAffine(p: WasmValue): WasmValue;
  add(a: WasmValue, b: WasmValue): WasmValue;
  neg(a: WasmValue): WasmValue;
  timesFr(p: WasmValue, s: WasmValue): WasmValue;
  eq(a: WasmValue, b: WasmValue): boolean;
  g: WasmValue;
}

/** ffjavascript curve object: `terminate` stops the worker threads; G1/G2/Fr read and check keys. */
export interface Curve {
  terminate(): Promise<void> | void;
  G1: CurveGroup;
  G2: CurveGroup;
  Fr: {
    e(v: bigint | string): WasmValue;
    inv(a: WasmValue): WasmValue;
    neg(a: WasmValue): WasmValue;
    toObject(a: WasmValue): bigint;
    fromRng(rng: unknown): WasmValue;
  };
}

/** The logger snarkjs itself calls (any console-like object works; prover/logger.ts snarkjsLogger adapts a Logger). */
export type SnarkjsLogger = Pick<Console, "debug" | "info" | "warn" | "error">;
type Logger = SnarkjsLogger;

export interface Snarkjs {
  curves: { getCurveFromName(name: string): Promise<Curve> };
  powersOfTau: {
    newAccumulator(curve: Curve, power: number, fileName: string, logger?: Logger): Promise<unknown>;
    contribute(oldPtau: string, newPtau: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<unknown>;
  };
  zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<unknown>;
    exportSolidityVerifier(zkey: string, templates: Record<string, string>, logger?: Logger): Promise<string>;
    /** Returns the contribution hash (blake2b-512 of the contribution's public key), or false on bad beacon arguments. */
    beacon(oldZkey: string, newZkey: string, name: string, beaconHashHex: string, numIterationsExp: number, logger?: Logger): Promise<Uint8Array | false>;
    /** A phase-2 contribution; snarkjs mixes `entropy` with 64 bytes of its own crypto randomness. Returns the contribution hash. */
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: Logger): Promise<Uint8Array>;
    /** Checks every contribution of `zkey` from scratch (r1cs + ptau); false (with the reason logged) when invalid. */
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
  };
  groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasmFile: string,
      zkeyFile: string,
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    prove(zkey: string | Uint8Array | { type: "mem"; data: Uint8Array }, wtns: string | { type: "mem"; data: Uint8Array }, logger?: Logger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: string[]): Promise<string>;
  };
}

let cached: Promise<Snarkjs> | undefined;

/** Loads snarkjs once (ESM entry, so the curve singleton is shared with other importers). */
export function loadSnarkjs(): Promise<Snarkjs> {
  const specifier: string = "snarkjs";
  cached ??= import(specifier) as Promise<Snarkjs>;
  return cached;
}

/**
 * Stops snarkjs' bn128 worker threads so the process can exit.
 *
 * Why globalThis: ffjavascript's buildBn128 caches the multi-threaded curve in
 * `globalThis.curve_bn128` and hands the same object to every caller (snarkjs included);
 * terminating it releases the workers, and clearing happens inside terminate().
 */
export async function terminateSnarkjsCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: Curve | null };
  await g.curve_bn128?.terminate();
}
