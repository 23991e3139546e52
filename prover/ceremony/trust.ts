/**
 * Trust as `zkinfer deploy` decides it, from nothing the operator's setup.json says: the
 * contributions (and whether each is a beacon) come from the zkey's own transcript, and the key
 * is trusted only after that transcript is verified (snarkjs zkey verify against the r1cs)
 * from a powers of tau file given by the caller whose blake2b is in the published list.
 */
import { ProverError } from "../errors.ts";
import { blake2b512File, PtauError } from "../ptau/index.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { ceremonyCircuit } from "./init.ts";
import { resolvePtau } from "./ptau.ts";
import { readZkeyTranscript } from "./transcript.ts";
import { verifyTranscript } from "./verify.ts";
import { isPublishedPtauHash, isTrusted, type Contribution, type SetupInfo } from "./record.ts";

export interface KeyTrustOptions {
  zkeyPath: string;
  /** The r1cs the key must be for; only read when `ptauPath` is given. */
  r1csPath: () => Promise<string>;
  /** A published ceremony powers of tau to verify the transcript from; without it the key is untrusted. */
  ptauPath?: string;
  /** The setup record's claim about the ptau: only used to word why a key is untrusted. */
  claimedPtau?: SetupInfo["ptau"];
  log?: Logger;
}

export interface KeyTrust {
  trusted: boolean;
  /** True when snarkjs verified the transcript from `ptauPath`. */
  verified: boolean;
  /** The zkey's own contributions, kinds from its transcript. */
  contributions: Contribution[];
  /** Why the key is untrusted, in words (absent when trusted). */
  why?: string;
}

export async function keyTrust(o: KeyTrustOptions): Promise<KeyTrust> {
  const log = o.log ?? silentLogger;
  const t = await readZkeyTranscript(o.zkeyPath);
  const secret = t.contributions.some((c) => c.kind === "contribution");
  if (o.ptauPath === undefined) {
    const why = o.claimedPtau?.kind === "dev"
      ? "its powers of tau are the development ones (tau is public)"
      : !secret
        ? "its phase 2 has no secret contribution (beacons only)"
        : "its transcript was not verified: pass --ptau <the published powers of tau file it was made from>";
    return { trusted: false, verified: false, contributions: t.contributions, why };
  }
  const hash = await blake2b512File(o.ptauPath).catch((e: unknown) => {
    throw e instanceof PtauError ? new ProverError(`--ptau ${e.message}`, { cause: e }) : e;
  });
  if (!isPublishedPtauHash(hash)) {
    throw new ProverError(`--ptau ${o.ptauPath}: blake2b-512 ${hash} is not a published ceremony powers of tau; only those can make a key trusted (a file anyone made may come with its tau known)`, { field: "--ptau" });
  }
  const r1csPath = await o.r1csPath();
  const ptau = await resolvePtau({ kind: "file", path: o.ptauPath, expectedHash: hash }, ceremonyCircuit(r1csPath).power, log);
  const verified = await verifyTranscript({ zkeyPath: o.zkeyPath, r1csPath, ptauFile: ptau.file, log });
  const trusted = isTrusted(ptau.info, verified.contributions);
  return { trusted, verified: true, contributions: verified.contributions, ...(trusted ? {} : { why: "its phase 2 has no secret contribution (beacons only)" }) };
}
