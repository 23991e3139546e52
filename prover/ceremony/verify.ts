/**
 * `ceremony verify`: the whole phase-2 transcript of a zkey checked from scratch by snarkjs
 * (zkey verify: a fresh initial key from the r1cs and the powers of tau, then every
 * contribution's proof of knowledge and every key section), with its failures turned into
 * messages that name the file and say what is wrong.
 */
import { ProverError } from "../errors.ts";
import { readR1cs } from "../r1cs.ts";
import { loadSnarkjs } from "../snarkjs.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { readZkeyTranscript, type ZkeyTranscript } from "./transcript.ts";

export interface VerifyOptions {
  zkeyPath: string;
  r1csPath: string;
  /** A ptau file already accepted by resolvePtau (hash checked, or the dev one). */
  ptauFile: string;
  log?: Logger;
}

/** snarkjs' reasons, and what they mean to someone running a ceremony. */
const MEANING: [RegExp, string][] = [
  [/Different circuit parameters|Circuit does not match|IC section|Coeffs section|A section|B1 section|B2 section/, "it is for another circuit (or its circuit sections were altered)"],
  [/Invalid alpha1|Invalid beta1|Invalid beta2|Invalid gamma2/, "it was not started from this powers of tau"],
  [/INVALID\((\d+)\)/, "a contribution's proof of knowledge is invalid (tampered transcript)"],
  [/Invalid delta|L section|H section/, "its key does not follow its transcript (tampered or corrupt)"],
];

export async function verifyTranscript(o: VerifyOptions): Promise<ZkeyTranscript> {
  const log = o.log ?? silentLogger;
  const t = await readZkeyTranscript(o.zkeyPath);
  const r1cs = readR1cs(o.r1csPath);
  const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
  if (t.nVars !== r1cs.nWires || t.nPublic !== nPublic) {
    throw new ProverError(`${o.zkeyPath}: zkey is for another circuit (${t.nVars} wires, ${t.nPublic} public; ${o.r1csPath} has ${r1cs.nWires} wires, ${nPublic} public)`);
  }
  const reasons: string[] = [];
  const logger = { debug() {}, info() {}, warn: (m: string) => reasons.push(m), error: (m: string) => reasons.push(m) };
  // snarkjs reports a bad contribution with console.log, not its logger: collect it for the
  // message instead of letting it reach stdout (the CLI's stdout is its JSON result).
  const consoleLog = console.log;
  console.log = (...a: unknown[]) => reasons.push(a.join(" "));
  let ok: boolean;
  try {
    ok = await (await loadSnarkjs()).zKey.verifyFromR1cs(o.r1csPath, o.ptauFile, o.zkeyPath, logger);
  } catch (e) {
    throw new ProverError(`${o.zkeyPath}: zkey is corrupt, snarkjs cannot read it (${(e as Error).message})`);
  } finally {
    console.log = consoleLog;
  }
  if (!ok) {
    const said = reasons.join("; ") || "no reason given";
    const meaning = MEANING.find(([re]) => re.test(said))?.[1] ?? "its transcript does not verify";
    throw new ProverError(`${o.zkeyPath}: refused, ${meaning} (snarkjs zkey verify against ${o.r1csPath} and ${o.ptauFile}: ${said})`);
  }
  log.info(`${o.zkeyPath}: transcript verified, ${t.contributions.length} contribution(s)`);
  return t;
}
