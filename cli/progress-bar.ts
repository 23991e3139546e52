/**
 * Progress of the CLI's long steps on stderr (stdout stays the command's result). On a TTY, a
 * step that runs past a second gets a bar redrawn in place: `compile [######....] 60% 3.2s`,
 * or, when its size is unknown, the elapsed time and its last message. Not on a TTY (CI, a
 * pipe, a log file): no redraws, one line per step when it ends, with its time. The closing
 * lines are log lines in zkinfer's one format (prover/log-format.ts: JSON lines off a TTY).
 *
 * @example
 *   const bar = new Progress();
 *   const s = bar.step("accuracy", samples.length);
 *   for (const x of samples) { ...; s.tick(); }
 *   s.done("float 0.96, integer 0.97");
 */

import type { ImportProgress, StepProgress } from "../prover/import/index.ts";
import { formatLogLine, logFormatFor } from "../prover/log-format.ts";

const WIDTH = 24;
/** A step shorter than this never shows a bar (only its closing line). */
const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;

/**
 * tick(): one more done, tick(n, total): sets both; note(m): a message beside the bar;
 * done(summary): ends the step with its line; fail(): ends it without (the error says why).
 */
export type Step = StepProgress;

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class Progress implements ImportProgress {
  constructor(private readonly out: Stream = process.stderr, private readonly now: () => number = Date.now) {}

  step(name: string, total?: number): Step {
    const t0 = this.now();
    let done = 0;
    let note = "";
    let drawn = false;
    let lastDraw = -Infinity;
    const clock = () => this.now();
    const tty = this.out.isTTY === true;
    const elapsed = () => `${((this.now() - t0) / 1000).toFixed(1)}s`;
    const line = () => {
      if (!total) return `${name} ${elapsed()}${note ? ` ${note}` : ""}`;
      const f = Math.max(0, Math.min(1, done / total));
      const fill = Math.round(f * WIDTH);
      return `${name} [${"#".repeat(fill)}${".".repeat(WIDTH - fill)}] ${Math.floor(f * 100)}% ${done}/${total} ${elapsed()}${note ? ` ${note}` : ""}`;
    };
    // A terminal of unknown width (0 under `script`, undefined for a stream) counts as 80 columns.
    const cols = () => Math.max(20, this.out.columns || 80) - 1;
    const draw = () => {
      if (!tty || this.now() - t0 < SHOW_AFTER_MS) return;
      this.out.write(`\r${line().slice(0, cols()).padEnd(cols())}`);
      drawn = true;
      lastDraw = this.now();
    };
    // Redraws also while the step waits on a promise; a step that blocks the thread (circom)
    // simply shows its last state until it yields.
    const timer = tty ? setInterval(draw, REDRAW_MS) : undefined;
    timer?.unref();
    const clear = () => {
      if (timer) clearInterval(timer);
      if (drawn) this.out.write(`\r${" ".repeat(cols())}\r`);
    };
    return {
      tick(n?: number, t?: number) {
        done = n === undefined ? done + 1 : n;
        if (t !== undefined) total = t;
        // A step that keeps the thread busy (the calibration's float evaluations) starves the
        // timer: its ticks draw instead, at the same pace.
        if (tty && clock() - lastDraw >= REDRAW_MS) draw();
      },
      note(m: string) {
        note = m;
      },
      done: (summary?: string) => {
        clear();
        // The step and its seconds as keys for a log collector; on a terminal the message says it all.
        const format = logFormatFor(this.out);
        const fields = format === "json" ? { component: "cli", step: name, seconds: Number(((this.now() - t0) / 1000).toFixed(1)) } : {};
        this.out.write(`${formatLogLine(format, "info", `${name}: ${summary ? `${summary} ` : ""}(${elapsed()})`, fields)}\n`);
      },
      fail: clear,
    };
  }
}
