#!/usr/bin/env node
// `npm test`: the type check and the test suite side by side, failing if either fails. tsc is
// one thread for about a minute; run first, it left one of the two cores of a CI machine idle.
// Arguments go to vitest (`npm test -- test/cli.test.ts`).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules");
const run = (name, bin, args) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: "inherit" });
    child.on("exit", (code, signal) => {
      if (code !== 0) process.stderr.write(`npm test: ${name} failed (${signal ?? `exit code ${code}`})\n`);
      resolve(code ?? 1);
    });
  });

const [tsc, vitest] = await Promise.all([
  run("tsc --noEmit", path.join(modules, "typescript", "bin", "tsc"), ["--noEmit"]),
  run("vitest run", path.join(modules, "vitest", "vitest.mjs"), ["run", ...process.argv.slice(2)]),
]);
process.exitCode = tsc || vitest;
