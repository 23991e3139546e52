// What goes into each point section of a prepared dev ptau file, as pool tasks
// (known exponent ranges): sections 2..6 hold factor*tau^i*G, sections 12..15 hold
// factor*L_j(tau)*G for every domain 2^p, p = 0..power, concatenated in order of p
// (section 12 has one more domain, 2^(power+1), as snarkjs' prepare phase2 writes).
import type { PoolTask } from "./pool.ts";
import type { DevSecrets } from "./secrets.ts";
import { G1_BYTES, G2_BYTES } from "./ptau-format.ts";
import { mul } from "./field.ts";

export interface SectionPlan {
  id: number;
  name: string;
  group: "G1" | "G2";
  nPoints: number;
  tasks: PoolTask[];
}

// Points per job: large enough to amortise the batch inversion and messaging,
// small enough to keep both cores busy and memory flat.
const CHUNK = { G1: 4096, G2: 2048 } as const;

function powerTasks(group: "G1" | "G2", count: number, factor: bigint): PoolTask[] {
  const tasks: PoolTask[] = [];
  for (let start = 0; start < count; start += CHUNK[group]) {
    tasks.push({ group, job: { kind: "powers", start, count: Math.min(CHUNK[group], count - start), factor } });
  }
  return tasks;
}

function lagrangeTasks(group: "G1" | "G2", power: number, factor: bigint, extraTruncated: boolean): PoolTask[] {
  const tasks: PoolTask[] = [];
  const last = extraTruncated ? power + 1 : power;
  for (let p = 0; p <= last; p++) {
    const n = 2 ** p;
    for (let start = 0; start < n; start += CHUNK[group]) {
      const count = Math.min(CHUNK[group], n - start);
      tasks.push({ group, job: { kind: "lagrange", p, start, count, factor, truncated: p === power + 1 } });
    }
  }
  return tasks;
}

export function planSections(power: number, s: DevSecrets): SectionPlan[] {
  const n = 2 ** power;
  const lagrangeCount = (extra: boolean) => 2 ** (power + (extra ? 2 : 1)) - 1;
  return [
    { id: 2, name: "tauG1", group: "G1", nPoints: 2 * n - 1, tasks: powerTasks("G1", 2 * n - 1, 1n) },
    { id: 3, name: "tauG2", group: "G2", nPoints: n, tasks: powerTasks("G2", n, 1n) },
    { id: 4, name: "alphaTauG1", group: "G1", nPoints: n, tasks: powerTasks("G1", n, s.alpha) },
    { id: 5, name: "betaTauG1", group: "G1", nPoints: n, tasks: powerTasks("G1", n, s.beta) },
    { id: 6, name: "betaG2", group: "G2", nPoints: 1, tasks: [{ group: "G2", job: { kind: "list", scalars: [s.beta] } }] },
    { id: 12, name: "lagrange tauG1", group: "G1", nPoints: lagrangeCount(true), tasks: lagrangeTasks("G1", power, 1n, true) },
    { id: 13, name: "lagrange tauG2", group: "G2", nPoints: lagrangeCount(false), tasks: lagrangeTasks("G2", power, 1n, false) },
    { id: 14, name: "lagrange alphaTauG1", group: "G1", nPoints: lagrangeCount(false), tasks: lagrangeTasks("G1", power, s.alpha, false) },
    { id: 15, name: "lagrange betaTauG1", group: "G1", nPoints: lagrangeCount(false), tasks: lagrangeTasks("G1", power, s.beta, false) },
  ];
}

export function pointBytes(group: "G1" | "G2"): number {
  return group === "G1" ? G1_BYTES : G2_BYTES;
}

/** Public-key points of the recorded contribution: 6 G1 then 3 G2 (snarkjs' order). */
export function pubKeyTasks(s: DevSecrets): PoolTask[] {
  const { key, tau, alpha, beta } = s;
  return [
    { group: "G1", job: { kind: "list", scalars: [key.tau.s, mul(key.tau.s, tau), key.alpha.s, mul(key.alpha.s, alpha), key.beta.s, mul(key.beta.s, beta)] } },
    { group: "G2", job: { kind: "list", scalars: [mul(key.tau.sp, tau), mul(key.alpha.sp, alpha), mul(key.beta.sp, beta)] } },
  ];
}

/**
 * Window width of the fixed-base tables for a group: each worker builds its own table
 * of ceil(254/w) * 2^w points and then spends ceil(254/w) additions per point, so pick
 * the w minimising ceil(254/w) * (2^w + points/threads). Capped at 14 (a G2 table of
 * 40 MB per worker).
 */
export function chooseWindow(totalPoints: number, threads: number): number {
  let best = 4;
  let bestCost = Infinity;
  for (let w = 4; w <= 14; w++) {
    const cost = Math.ceil(254 / w) * (2 ** w + totalPoints / threads);
    if (cost < bestCost) { bestCost = cost; best = w; }
  }
  return best;
}

export function groupTotals(plan: SectionPlan[]): { G1: number; G2: number } {
  const t = { G1: 0, G2: 0 };
  for (const s of plan) t[s.group] += s.nPoints;
  return t;
}
