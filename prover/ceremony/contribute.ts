/**
 * `ceremony contribute`: one phase-2 contribution, file in, file out. The randomness is fresh
 * (node:crypto, mixed by snarkjs with 64 bytes of its own) and lives only in this call; the
 * contributor publishes the returned hash, and anyone finds it in the verified transcript.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { ProverError } from "../errors.ts";
import { loadSnarkjs } from "../snarkjs.ts";
import { silentLogger, snarkjsLogger, type Logger } from "../logger.ts";
import { readZkeyTranscript } from "./transcript.ts";
import { writeNew } from "./files.ts";

export interface ContributeOptions {
  input: string;
  out: string;
  /** Shown in the transcript (snarkjs keeps at most 64 bytes). */
  name?: string;
  log?: Logger;
}

export async function contributeCeremony(o: ContributeOptions): Promise<{ hash: string; name: string; index: number }> {
  const log = o.log ?? silentLogger;
  if (path.resolve(o.input) === path.resolve(o.out)) throw new ProverError(`contribute: the output ${o.out} must be a new file, not the input`);
  const before = await readZkeyTranscript(o.input);
  const name = o.name ?? "";
  if (Buffer.byteLength(name) > 64) throw new ProverError(`contribute: option "name" is ${Buffer.byteLength(name)} bytes, at most 64`, { field: "name" });
  const snarkjs = await loadSnarkjs();
  const hash = await writeNew(o.out, "output zkey", (tmp) =>
    snarkjs.zKey.contribute(o.input, tmp, name, randomBytes(64).toString("hex"), snarkjsLogger(log)),
  );
  return { hash: Buffer.from(hash).toString("hex"), name, index: before.contributions.length + 1 };
}
