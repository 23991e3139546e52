import { defineConfig } from "vitest/config";

// snarkjs starts its own worker threads and must not run inside vitest's thread pool:
// forks give each test file its own process.
export default defineConfig({
  test: {
    pool: "forks",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "**/build/**"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: true,
  },
});
