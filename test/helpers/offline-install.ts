/**
 * Installs a packed zkinfer tarball into a fresh project without the network. `npm install
 * <tarball> --offline` resolves the dependencies' version ranges from their full registry
 * documents (npm 11 logs "packumentCache full:<url> cache-miss"), and the npm cache holds only the
 * abbreviated ones an install from a lock file fetched, so it fails with ENOTCACHED on the first
 * dependency (@grpc/grpc-js). So the project gets a package-lock.json: the
 * tarball, plus the repository's own lock entries for the runtime dependencies (exact versions,
 * resolved URLs, integrity), and `npm ci --offline` takes every package from the cache by its
 * integrity. The tree is the one the repository itself runs with, minus its dev dependencies.
 */
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

type LockEntry = Record<string, unknown> & { dev?: boolean; devOptional?: boolean; link?: boolean };

export async function installOffline(repo: string, tarball: string, project: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const file = `file:${path.basename(tarball)}`;
  copyFileSync(tarball, path.join(project, path.basename(tarball)));
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  const packages: Record<string, unknown> = {
    "": { name: "consumer", dependencies: { [pkg.name]: file } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: file, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.dev || entry.link) continue;
    const { devOptional, ...rest } = entry;
    packages[key] = devOptional ? { ...rest, optional: true } : rest;
  }
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { [pkg.name]: file } }, null, 1));
  writeFileSync(path.join(project, "package-lock.json"), JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages }, null, 1));
  // --ignore-scripts: better-sqlite3's install script would download a prebuilt binary or
  // compile one (minutes), and the CLI path tested here opens no job database; onnxruntime-node
  // ships its CPU binary in its tarball and esbuild its binary in @esbuild/<platform>.
  await promisify(execFile)("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: project, maxBuffer: 16 << 20 });
}
