import os from "node:os";
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/sequencer.ts";

// snarkjs starts its own worker threads and must not run inside vitest's thread pool:
// forks give each test file its own process.
// vitest's default for `vitest run` is cores - 1 workers, i.e. one on a 2-core CI machine,
// where much of a file's time is one thread (circom, witness wasm, solc) or waiting (chain,
// servers, CLI child processes): two files at a time keep both cores busy.
export default defineConfig({
  test: {
    pool: "forks",
    include: ["**/*.test.ts"],
    // bench/*.test.ts are the checks too long for every run (`npm run test:large`).
    exclude: ["node_modules/**", "**/build/**", ...(process.env.ZKINFER_LARGE_TESTS ? [] : ["bench/**"])],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: true,
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Longest files first (test/durations.json), so that no long file starts last.
    sequence: { sequencer: LongestFirst },
  },
});
