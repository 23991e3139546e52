/**
 * The in-browser verdict: the client's verifyLocally (snarkjs' pairing check with the model's
 * verifying key, the key's hash, the model id, the proof's signals against the record) plus what
 * only this page knows: the input commitment recomputed from the input drawn or typed here, and
 * the outputs shown when the answer came. The server's own verdict is never asked for.
 */
import type { InferResult, ModelInfo, ProofRecord } from "../../client/index.ts";
import type { Api } from "./api.ts";

export interface Check { name: string; ok: boolean; detail: string }
export interface Verdict { valid: boolean; trusted: boolean; checks: Check[]; reason?: string }

/** The proof with one byte of pi_a[0] flipped (the x coordinate of A, XOR 0xff on its low byte). */
export function tamper(proof: unknown): unknown {
  const p = structuredClone(proof) as { pi_a: string[] };
  p.pi_a[0] = (BigInt(p.pi_a[0]!) ^ 0xffn).toString();
  return p;
}

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]));

export async function verifyHere(api: Api, card: ModelInfo, values: number[], answer: InferResult, record: ProofRecord, flip: boolean): Promise<Verdict> {
  const proof = flip ? tamper(record.proof) : record.proof;
  const checks: Check[] = [];
  let valid = true;
  let trusted = false;
  let reason: string | undefined;
  try {
    const v = await api.zk.verifyLocally({ ...record, proof }, card);
    trusted = v.trusted;
    for (const c of v.checks) checks.push({ name: c.name, ok: c.ok, detail: c.detail });
    if (!v.valid) [valid, reason] = [false, v.reason ?? "the proof does not verify"];
  } catch (e) {
    [valid, reason] = [false, `verification failed: ${(e as Error).message}`];
    checks.push({ name: "groth16", ok: false, detail: reason });
  }
  const add = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    if (!ok && valid) [valid, reason] = [false, detail];
  };
  add("model asked for", record.modelId === card.id && answer.modelId === card.id, `record ${record.modelId.slice(0, 16)}…, answer ${answer.modelId.slice(0, 16)}…, chosen ${card.id.slice(0, 16)}…`);
  if (record.requestId !== answer.requestId) add("request", false, `the record is of request ${record.requestId}, not ${answer.requestId}`);
  if (card.visibility.input.startsWith("hashed")) {
    const mine = await api.zk.commitInput(card, values, answer.inputSalt);
    add("input commitment of this input", mine.inputCommitment === record.inputCommitment,
      `recomputed here ${mine.inputCommitment.slice(0, 20)}…, proof carries ${String(record.inputCommitment).slice(0, 20)}…`);
  } else {
    const signals = record.publicSignals ?? [];
    add("input in the proof", values.every((x) => signals.includes(String(x))) || values.length === 0, "the input is public: its values are among the proof's signals");
  }
  if (card.visibility.output === "public") {
    add("outputs shown", same(record.output, answer.output), `shown [${answer.output.join(", ")}], proved [${record.output.join(", ")}]`);
  } else {
    add("outputs shown", true, "hashed output: the proof carries its commitment, checked by the client against the record");
  }
  return { valid, trusted, checks, reason };
}
