// Benchmark: dev powers-of-tau generator (prover/ptau) vs snarkjs' own
// `powersoftau new` + `contribute` + `prepare phase2`.
//
//   npx tsx bench/ptau.ts                      # dev generator at 2^12 (median) and 2^16
//   npx tsx bench/ptau.ts --baseline 16        # also run the snarkjs baseline at 2^16
//   npx tsx bench/ptau.ts --baseline-only 16   # only the baseline (long; run with nohup)
//
// Results: bench/results/ptau.json and bench/results/ptau.md. The baseline is slow
// (> 20 min at 2^16 on 2 cores), so its timings are also stored step by step in
// bench/results/ptau.baseline.json: a killed run still leaves its measured steps,
// and a later plain run folds them into the report.
import { median } from "./lib/machine.ts";
import { mkdtemp, rm, readFile, writeFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateDevPtau } from "../prover/ptau/index.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(here, "results");
const baselineFile = path.join(resultsDir, "ptau.baseline.json");

interface BaselineStep { step: string; seconds: number }
interface BaselineResult { power: number; startedAt: string; finished: boolean; steps: BaselineStep[]; totalSeconds?: number }
interface DevRun { power: number; runsSeconds: number[]; medianSeconds: number; cpuSeconds: number[]; loadAverages: number[]; fileBytes: number }


function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    // The machine is shared: a high load average means the timings include contention.
    loadAverage1m: +os.loadavg()[0].toFixed(2),
    date: new Date().toISOString(),
  };
}

// Loosely typed: snarkjs ships no type declarations.
async function loadSnarkjs(): Promise<any> {
  return import("snarkjs" as string);
}

async function runBaseline(power: number): Promise<BaselineResult> {
  const snarkjs = await loadSnarkjs();
  const dir = await mkdtemp(path.join(os.tmpdir(), "ptau-baseline-"));
  const res: BaselineResult = { power, startedAt: new Date().toISOString(), finished: false, steps: [] };
  const save = () => writeFile(baselineFile, JSON.stringify(res, null, 2) + "\n");
  await mkdir(resultsDir, { recursive: true });
  await save();
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const logger = { info: (m: string) => console.log(`[baseline] ${m}`), log: (m: string) => console.log(`[baseline] ${m}`), debug: () => {}, warn: console.warn, error: console.error };
  try {
    const f0 = path.join(dir, "pot_0000.ptau");
    const f1 = path.join(dir, "pot_0001.ptau");
    const f2 = path.join(dir, "pot_final.ptau");
    const step = async (name: string, fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      console.log(`[baseline] ${name} at 2^${power} ...`);
      await fn();
      const seconds = (performance.now() - t0) / 1000;
      res.steps.push({ step: name, seconds: +seconds.toFixed(2) });
      console.log(`[baseline] ${name}: ${seconds.toFixed(1)} s`);
      await save();
    };
    await step("powersoftau new", () => snarkjs.powersOfTau.newAccumulator(curve, power, f0, logger));
    await step("powersoftau contribute", () => snarkjs.powersOfTau.contribute(f0, f1, "bench", "bench entropy", logger));
    await step("powersoftau prepare phase2", () => snarkjs.powersOfTau.preparePhase2(f1, f2, logger));
    res.finished = true;
    res.totalSeconds = +res.steps.reduce((a, s) => a + s.seconds, 0).toFixed(2);
    await save();
    return res;
  } finally {
    await curve.terminate();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runDev(power: number, runs: number): Promise<DevRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ptau-dev-bench-"));
  const times: number[] = [];
  // CPU seconds of the whole process (worker threads included): unlike wall time, barely
  // affected by other jobs on this shared machine.
  const cpu: number[] = [];
  const loads: number[] = [];
  let fileBytes = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const outPath = path.join(dir, `dev_${power}.ptau`);
      loads.push(+os.loadavg()[0].toFixed(2));
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await generateDevPtau({ power, outPath });
      times.push(+((performance.now() - t0) / 1000).toFixed(3));
      const c = process.cpuUsage(c0);
      cpu.push(+((c.user + c.system) / 1e6).toFixed(2));
      fileBytes = (await import("node:fs")).statSync(outPath).size;
      console.log(`[dev] 2^${power} run ${i + 1}/${runs}: ${times[i]} s wall, ${cpu[i]} s CPU, load ${loads[i]}`);
      await rm(outPath, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { power, runsSeconds: times, medianSeconds: median(times), cpuSeconds: cpu, loadAverages: loads, fileBytes };
}

function renderMd(m: ReturnType<typeof machine>, dev: DevRun[], base: BaselineResult | undefined): string {
  const lines: string[] = [];
  lines.push("# Powers-of-tau generation benchmark", "");
  lines.push("DEVELOPMENT ONLY: the dev generator's toxic waste is derived from a known seed; its files are insecure.", "");
  lines.push("## Machine", "");
  lines.push(`- CPU: ${m.cpuModel} (${m.cores} cores)`, `- Memory: ${m.memoryGiB} GiB`, `- Node: ${m.node}`, `- Platform: ${m.platform}`, `- Date: ${m.date}`, `- Load average (1 min) at start: ${m.loadAverage1m}`, "");
  lines.push("## Dev generator (`generateDevPtau`, prepared file incl. Lagrange sections 12..15)", "");
  lines.push("| power | runs | median wall (s) | min wall (s) | all runs, wall (s) | CPU s per run (all threads) | 1-min load avg before each run | file size (MiB) |", "|---|---|---|---|---|---|---|---|");
  for (const d of dev) lines.push(`| 2^${d.power} | ${d.runsSeconds.length} | ${d.medianSeconds.toFixed(2)} | ${Math.min(...d.runsSeconds).toFixed(2)} | ${d.runsSeconds.join(", ")} | ${d.cpuSeconds.join(", ")} | ${d.loadAverages.join(", ")} | ${(d.fileBytes / 2 ** 20).toFixed(1)} |`);
  lines.push("", "The machine is shared with other jobs: with a load average well above 2 (= cores; the 1-minute average also still counts this benchmark's own 2 workers from the previous run) the wall times include waiting for a core; the CPU seconds do not, and CPU/2 is the wall time to expect on 2 idle cores.", "");
  lines.push("## snarkjs baseline (`powersOfTau.newAccumulator` + `contribute` + `preparePhase2`)", "");
  if (!base) {
    lines.push("Not measured (run with `--baseline <power>`).", "");
  } else {
    lines.push(`Power 2^${base.power}, started ${base.startedAt}${base.finished ? "" : " — **did not finish; partial timings only**"}.`, "");
    lines.push("Measured on the same machine with the same Node, but in an earlier run (`--baseline-only`), while other work shared the 2 cores at times; snarkjs uses all cores itself.", "");
    lines.push("| step | seconds |", "|---|---|");
    for (const s of base.steps) lines.push(`| ${s.step} | ${s.seconds.toFixed(1)} |`);
    if (base.totalSeconds !== undefined) lines.push(`| **total** | **${base.totalSeconds.toFixed(1)}** |`);
    lines.push("");
    const same = dev.find((d) => d.power === base.power);
    if (same && base.totalSeconds !== undefined) {
      const best = Math.min(...same.runsSeconds);
      lines.push(`Speed-up at 2^${base.power}: **${(base.totalSeconds / same.medianSeconds).toFixed(0)}x** on the median wall time (${base.totalSeconds.toFixed(0)} s vs ${same.medianSeconds.toFixed(1)} s), ${(base.totalSeconds / best).toFixed(0)}x on the best run (${best.toFixed(1)} s).`, "");
    }
  }
  return lines.join("\n") + "\n";
}

async function main() {
  const args = process.argv.slice(2);
  const flagPower = (flag: string) => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const p = Number(args[i + 1] ?? 16);
    if (!Number.isInteger(p) || p < 1 || p > 28) throw new Error(`${flag} expects a power 1..28, got ${args[i + 1]}`);
    return p;
  };
  const baselineOnly = flagPower("--baseline-only");
  if (baselineOnly !== undefined) {
    await runBaseline(baselineOnly);
    return;
  }
  const baselinePower = flagPower("--baseline");
  const m = machine();
  const dev: DevRun[] = [];
  dev.push(await runDev(12, 5));
  dev.push(await runDev(16, 3));
  let base: BaselineResult | undefined;
  if (baselinePower !== undefined) base = await runBaseline(baselinePower);
  else if (existsSync(baselineFile)) base = JSON.parse(await readFile(baselineFile, "utf8")) as BaselineResult;
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, "ptau.json"), JSON.stringify({ machine: m, dev, baseline: base ?? null }, null, 2) + "\n");
  await writeFile(path.join(resultsDir, "ptau.md"), renderMd(m, dev, base));
  console.log(renderMd(m, dev, base));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
