/**
 * Reads the phase-2 transcript of a Groth16 zkey (snarkjs' section 10: the circuit hash and
 * every contribution's public key) and computes each contribution's hash exactly as snarkjs
 * does (blake2b-512 over deltaAfter, g1_s, g1_sx, g2_spx uncompressed, then the transcript), so
 * the hashes a contributor published can be found in the record. It checks nothing about the
 * keys' validity: that is `verifyTranscript` (snarkjs zkey verify).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ProverError } from "../errors.ts";
import { loadSnarkjs, type Curve } from "../snarkjs.ts";
import type { Contribution } from "./record.ts";

const G1_BYTES = 64;
const G2_BYTES = 128;
const MPC_SECTION = 10;
const HEADER_SECTION = 2;

export interface ZkeyTranscript {
  /** blake2b-512 of the circuit as snarkjs hashes it (hex). */
  circuitHash: string;
  nVars: number;
  nPublic: number;
  domainSize: number;
  contributions: Contribution[];
}

function sections(file: string, buf: Buffer): Map<number, [number, number]> {
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== "zkey") throw new ProverError(`${file}: not a zkey file (bad magic)`);
  const n = buf.readUInt32LE(8);
  const out = new Map<number, [number, number]>();
  let off = 12;
  for (let i = 0; i < n; i++) {
    if (off + 12 > buf.length) throw new ProverError(`${file}: zkey is truncated (section table)`);
    const id = buf.readUInt32LE(off);
    const size = Number(buf.readBigUInt64LE(off + 4));
    if (off + 12 + size > buf.length) throw new ProverError(`${file}: zkey is truncated (section ${id} needs ${size} bytes)`);
    out.set(id, [off + 12, size]);
    off += 12 + size;
  }
  if (buf.readUInt32LE(out.get(1)?.[0] ?? 0) !== 1 || !out.has(HEADER_SECTION)) throw new ProverError(`${file}: not a Groth16 zkey`);
  if (!out.has(MPC_SECTION)) throw new ProverError(`${file}: zkey has no phase-2 transcript (section ${MPC_SECTION})`);
  return out;
}

function pointHash(curve: Curve, buf: Buffer, off: number): Buffer {
  const h = createHash("blake2b512");
  for (const [g, n] of [[curve.G1, G1_BYTES], [curve.G1, G1_BYTES], [curve.G1, G1_BYTES], [curve.G2, G2_BYTES]] as const) {
    const out = new Uint8Array(n);
    g.toRprUncompressed(out, 0, g.fromRprLEM(buf, off));
    h.update(out);
    off += n;
  }
  return h.update(buf.subarray(off, off + 64)).digest();
}

/** The transcript of `file` (a path to a Groth16 zkey); a corrupt file is a ProverError naming it. */
export async function readZkeyTranscript(file: string): Promise<ZkeyTranscript> {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new ProverError(`${file}: cannot read zkey (${(e as Error).message})`);
  }
  const secs = sections(file, buf);
  const [h] = secs.get(HEADER_SECTION)!;
  const n8q = buf.readUInt32LE(h);
  const n8r = buf.readUInt32LE(h + 4 + n8q);
  const p = h + 8 + n8q + n8r;
  const header = { nVars: buf.readUInt32LE(p), nPublic: buf.readUInt32LE(p + 4), domainSize: buf.readUInt32LE(p + 8) };
  const curve = await (await loadSnarkjs()).curves.getCurveFromName("bn128");
  const [start, size] = secs.get(MPC_SECTION)!;
  const end = start + size;
  let off = start;
  const need = (n: number) => {
    if (off + n > end) throw new ProverError(`${file}: phase-2 transcript is truncated or corrupt`);
  };
  need(68);
  const circuitHash = buf.subarray(off, off + 64).toString("hex");
  const count = buf.readUInt32LE(off + 64);
  off += 68;
  const contributions: Contribution[] = [];
  for (let i = 0; i < count; i++) {
    need(3 * G1_BYTES + G2_BYTES + 64 + 8);
    let hash: string;
    try {
      hash = pointHash(curve, buf, off).toString("hex");
    } catch (e) {
      throw new ProverError(`${file}: contribution #${i + 1} holds an invalid point (${(e as Error).message})`);
    }
    off += 3 * G1_BYTES + G2_BYTES + 64;
    const type = buf.readUInt32LE(off);
    const paramLen = buf.readUInt32LE(off + 4);
    off += 8;
    need(paramLen);
    const c: Contribution = { name: "", hash, kind: type === 1 ? "beacon" : "contribution" };
    for (let q = off; q < off + paramLen; ) {
      const [tag, len] = [buf[q], buf[q + 1]];
      if (tag === 1) c.name = buf.toString("utf8", q + 2, q + 2 + len);
      else if (tag === 2) c.beacon = { hash: c.beacon?.hash ?? "", iterationsExp: len };
      else if (tag === 3) c.beacon = { iterationsExp: c.beacon?.iterationsExp ?? 0, hash: buf.subarray(q + 2, q + 2 + len).toString("hex") };
      else throw new ProverError(`${file}: contribution #${i + 1} has an unknown parameter ${tag}`);
      q += tag === 2 ? 2 : 2 + len;
    }
    off += paramLen;
    contributions.push(c);
  }
  return { circuitHash, ...header, contributions };
}
