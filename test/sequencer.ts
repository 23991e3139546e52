/**
 * The order test files start in: longest first, by the seconds each took in a full run on the
 * 2-core CI machine (test/durations.json; files not listed follow, largest first, as vitest
 * orders them without a cache). vitest's own order on a fresh clone is by file size, which starts
 * the short per-model files (test/models-*.test.ts: a few lines, minutes of setups) last, where
 * one of them would run alone while the other worker idles.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const expected = JSON.parse(readFileSync(path.join(ROOT, "test", "durations.json"), "utf8")) as Record<string, number>;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byVitest = await super.sort(files);
    const seconds = (f: TestSpecification) => expected[path.relative(ROOT, f.moduleId).split(path.sep).join("/")] ?? 0;
    // Array.prototype.sort is stable: unlisted files keep vitest's order after the listed ones.
    return [...byVitest].sort((a, b) => seconds(b) - seconds(a));
  }
}
