/**
 * The trust rule itself, on records (no real Hermez file exists offline): trusted needs a
 * powers of tau whose blake2b is in the published list and a phase-2 contribution that is not a
 * beacon. A hash the caller chose, or a stored `trusted`/`published` flag, never makes a key
 * trusted. This is the only place the "trusted: true" outcome is reached; the end-to-end tests
 * (test/ceremony.test.ts, test/deploy-trust.test.ts) exercise every path that must say false.
 */
import { describe, expect, it } from "vitest";
import { ceremonyFileForPower } from "../ptau/ceremony-hashes.ts";
import { isPublishedPtauHash, isTrusted, summarize, type Contribution, type SetupInfo } from "./record.ts";

const HERMEZ_12 = ceremonyFileForPower(12)!.blake2b;
const CUSTOM = "ab".repeat(64);
const secret: Contribution = { name: "alice", hash: "11".repeat(64), kind: "contribution" };
const beacon: Contribution = { name: "beacon", hash: "22".repeat(64), kind: "beacon", beacon: { hash: "5a".repeat(32), iterationsExp: 10 } };
const file = (blake2b: string | undefined, extra: Partial<SetupInfo["ptau"]> = {}): SetupInfo["ptau"] => ({ kind: "file", file: "x.ptau", blake2b, insecure: false, ...extra });

describe("isTrusted", () => {
  it("is true for a published ceremony powers of tau and a secret contribution (any hex case)", () => {
    expect(isPublishedPtauHash(HERMEZ_12)).toBe(true);
    expect(isTrusted(file(HERMEZ_12), [secret, beacon])).toBe(true);
    expect(isTrusted(file(HERMEZ_12.toUpperCase()), [secret, beacon])).toBe(true);
  });

  it("is false for a file that matched only the caller's own hash, whatever flags the record carries", () => {
    expect(isTrusted(file(CUSTOM), [secret, beacon])).toBe(false);
    expect(isTrusted(file(CUSTOM, { published: true }), [secret, beacon])).toBe(false);
    expect(isTrusted(file(undefined, { published: true }), [secret, beacon])).toBe(false);
  });

  it("is false for the development powers of tau, an insecure file, or a phase 2 of beacons only", () => {
    expect(isTrusted({ kind: "dev", file: "dev.ptau", blake2b: HERMEZ_12, insecure: true }, [secret, beacon])).toBe(false);
    expect(isTrusted(file(HERMEZ_12, { insecure: true }), [secret, beacon])).toBe(false);
    expect(isTrusted(file(HERMEZ_12), [beacon])).toBe(false);
    expect(isTrusted(file(HERMEZ_12), [])).toBe(false);
  });
});

describe("summarize", () => {
  it("labels the powers of tau ceremony (published), custom (own hash) or dev", () => {
    const s = (ptau: SetupInfo["ptau"]) => summarize({ ptau, phase2: "ceremony", contributions: [secret], vkeyHash: "v" } as SetupInfo).ptau;
    expect([s(file(HERMEZ_12)), s(file(CUSTOM, { published: true })), s({ kind: "dev", file: "d", insecure: true })]).toEqual(["ceremony", "custom", "dev"]);
  });
});
