// The phase-2 records (section 10 of a .zkey) of a secret contribution and a beacon, exactly as
// snarkjs' zKey.contribute and zKey.beacon record them, so that a key written in one pass
// (./phase2.ts) has the same transcript, contribution hashes and verifyFromR1cs outcome. Each
// step's key: a ChaCha stream (ffjavascript's) gives prvKey = Fr.fromRng, then g1_s = G1.fromRng;
// its transcript is blake2b-512(csHash, earlier public keys, g1_s, g1_sx), which seeds the
// ChaCha of g2_sp = G2.fromRng. Only a few single points: the curve's own operations suffice.
import { createHash } from "node:crypto";
import { ProverError } from "../errors.ts";
import { concat } from "../ptau/ptau-format.ts";
import { u32 } from "./layout.ts";

type P = Uint8Array;
interface Group {
  g: P;
  fromRng(rng: unknown): P;
  toAffine(p: P): P;
  timesFr(p: P, s: P): P;
  toRprLEM(b: Uint8Array, o: number, p: P): void;
  toRprUncompressed(b: Uint8Array, o: number, p: P): void;
}
export interface MpcCurve {
  G1: Group;
  G2: Group;
  Fr: { fromRng(rng: unknown): P; toObject(a: P): bigint; e(v: bigint): P };
  terminate(): Promise<void>;
}
export type ChaChaClass = new (seed: number[]) => unknown;

/** `seed`: 32 bytes of fresh randomness (its key derives from them; they are never kept). */
export type Phase2Step = { kind: "secret"; name: string; seed: Uint8Array } | { kind: "beacon"; name: string; hash: Uint8Array; iterationsExp: number };

export interface StepKey { step: Phase2Step; prvKey: P; g1_s: P }

const words = (b: Uint8Array) => Array.from({ length: 8 }, (_, i) => new DataView(b.buffer, b.byteOffset, 32).getUint32(4 * i));

/** prvKey and g1_s of a step, in the order snarkjs draws them from its ChaCha. */
export function stepKey(curve: MpcCurve, ChaCha: ChaChaClass, step: Phase2Step): StepKey {
  let seed: Uint8Array;
  if (step.kind === "secret") {
    if (step.seed.length !== 32) throw new ProverError(`phase-2 secret: seed of ${step.seed.length} bytes, expected 32`);
    seed = step.seed;
  } else {
    // snarkjs' limits: 1..255 hash bytes, 2^10..2^63 iterations (we loop, so keep it small).
    if (step.hash.length === 0 || step.hash.length > 255) throw new ProverError(`beacon hash of ${step.hash.length} bytes (1..255)`);
    if (!Number.isInteger(step.iterationsExp) || step.iterationsExp < 10 || step.iterationsExp > 31) throw new ProverError(`beacon iterations exponent ${step.iterationsExp} (10..31)`);
    seed = step.hash;
    for (let i = 0; i < 2 ** step.iterationsExp; i++) seed = createHash("sha256").update(seed).digest();
  }
  const rng = new ChaCha(words(seed));
  const prvKey = curve.Fr.fromRng(rng);
  if (curve.Fr.toObject(prvKey) === 0n) throw new ProverError("phase-2 key is zero (draw again)");
  return { step, prvKey, g1_s: curve.G1.toAffine(curve.G1.fromRng(rng)) };
}

export interface Phase2Records {
  /** Section 10's body: csHash, the count, then each record. */
  section: Uint8Array;
  /** Per step: blake2b-512 of its public key (what snarkjs' contribute/beacon return). */
  hashes: Uint8Array[];
  /** delta after all steps, LEM: vk_delta_1, vk_delta_2. */
  delta1: Uint8Array;
  delta2: Uint8Array;
}

export function phase2Records(curve: MpcCurve, ChaCha: ChaChaClass, csHash: Uint8Array, keys: StepKey[]): Phase2Records {
  const lem = (G: Group, p: P) => { const b = new Uint8Array(G === curve.G1 ? 64 : 128); G.toRprLEM(b, 0, p); return b; };
  const unc = (G: Group, p: P) => { const b = new Uint8Array(G === curve.G1 ? 64 : 128); G.toRprUncompressed(b, 0, p); return b; };
  const { G1, G2 } = curve;
  const pubKeys: Uint8Array[] = [];
  const records: Uint8Array[] = [];
  let delta1 = G1.g, delta2 = G2.g;
  for (const { step, prvKey, g1_s } of keys) {
    const g1_sx = G1.toAffine(G1.timesFr(g1_s, prvKey));
    const transcript = new Uint8Array(createHash("blake2b512").update(csHash).update(concat(pubKeys)).update(unc(G1, g1_s)).update(unc(G1, g1_sx)).digest());
    const g2_spx = G2.toAffine(G2.timesFr(G2.fromRng(new ChaCha(words(transcript))), prvKey));
    delta1 = G1.toAffine(G1.timesFr(delta1, prvKey));
    delta2 = G2.toAffine(G2.timesFr(delta2, prvKey));
    pubKeys.push(concat([unc(G1, delta1), unc(G1, g1_s), unc(G1, g1_sx), unc(G2, g2_spx), transcript]));
    records.push(concat([lem(G1, delta1), lem(G1, g1_s), lem(G1, g1_sx), lem(G2, g2_spx), transcript, u32(step.kind === "beacon" ? 1 : 0), params(step)]));
  }
  return {
    section: concat([csHash, u32(keys.length), ...records]),
    hashes: pubKeys.map((k) => new Uint8Array(createHash("blake2b512").update(k).digest())),
    delta1: lem(G1, delta1),
    delta2: lem(G2, delta2),
  };
}

/** A record's parameters: (1, name) when named (first 64 characters), (2, exp) (3, hash) for a beacon. */
function params(step: Phase2Step): Uint8Array {
  const p: number[] = [];
  const name = new TextEncoder().encode(step.name.substring(0, 64));
  if (name.length > 0) p.push(1, name.length, ...name);
  if (step.kind === "beacon") p.push(2, step.iterationsExp, 3, step.hash.length, ...step.hash);
  return concat([u32(p.length), new Uint8Array(p)]);
}
