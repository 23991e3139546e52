import { describe, expect, it } from "vitest";
import { Progress, type Stream } from "./progress-bar.ts";

const sink = (isTTY: boolean, columns = 80) => {
  const out: string[] = [];
  const stream: Stream = { write: (s: string) => out.push(s), isTTY, columns };
  return { out, stream };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Progress", () => {
  it("draws a bar with percentage and elapsed time on a TTY once a step passes a second, then one line", async () => {
    let now = 0;
    const { out, stream } = sink(true);
    const s = new Progress(stream, () => now).step("accuracy", 8);
    s.tick(2);
    await sleep(250);
    expect(out).toEqual([]); // under a second: nothing drawn
    now = 1500;
    s.tick(4);
    await sleep(250);
    expect(out.at(-1)).toMatch(/^\raccuracy \[#{12}\.{12}\] 50% 4\/8 1\.5s +$/);
    now = 2000;
    s.done("float 0.96");
    expect(out.at(-2)).toMatch(/^\r +\r$/); // the bar is wiped before the line
    // On a terminal the closing line is a readable log line.
    expect(out.at(-1)).toMatch(/^\d\d:\d\d:\d\d info  accuracy: float 0\.96 \(2\.0s\)\n$/);
  });

  it("draws from tick, synchronously, when the thread is kept busy and no timer runs", () => {
    let now = 0;
    const { out, stream } = sink(true);
    const s = new Progress(stream, () => now).step("calibration", 4);
    now = 1200;
    s.tick();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\rcalibration \[#{6}\.{18}\] 25% 1\/4 1\.2s +$/);
    now = 1250;
    s.tick();
    expect(out).toHaveLength(1); // not again within 100 ms
    s.fail();
  });

  it("draws on a terminal that reports no width (0 columns, as under `script`)", async () => {
    let now = 0;
    const { out, stream } = sink(true, 0);
    const s = new Progress(stream, () => now).step("compile");
    now = 2000;
    await sleep(250);
    s.fail();
    expect(out[0]).toMatch(/^\rcompile 2\.0s +$/);
    expect(out[0].length).toBe(80);
  });

  it("writes only one line per step when not a TTY, and none for a failed step", async () => {
    let now = 0;
    const { out, stream } = sink(false);
    const p = new Progress(stream, () => now);
    const s = p.step("compile");
    now = 5000;
    s.note("compiling ...");
    await sleep(250);
    s.done("1618 constraints");
    p.step("setup").fail();
    // Off a terminal: one JSON line.
    expect(out).toHaveLength(1);
    expect(out[0].endsWith("\n")).toBe(true);
    expect(JSON.parse(out[0])).toMatchObject({ level: "info", msg: "compile: 1618 constraints (5.0s)", component: "cli", step: "compile", seconds: 5 });
  });
});
