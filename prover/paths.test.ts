/**
 * Where zkinfer keeps its files: $ZKINFER_DATA_DIR, else .zkinfer/ in the project that installed
 * it, else the clone's build/ (so the repository's layout stays as it was).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultPaths, isInstalledPackage, PACKAGE_ROOT, resolveDataDir } from "./paths.ts";
import { loadConfig } from "../server/config/load.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-paths-test-");
afterAll(() => tmp.remove());

describe("the data directory", () => {
  it("is the clone's build/ when zkinfer runs from its repository", () => {
    expect(isInstalledPackage()).toBe(false);
    expect(resolveDataDir({ env: {}, cwd: tmp.path })).toBe(path.join(PACKAGE_ROOT, "build"));
    expect(defaultPaths(resolveDataDir({ env: {} }))).toMatchObject({ ptauDir: path.join(PACKAGE_ROOT, "build", "ptau"), jobsDb: path.join(PACKAGE_ROOT, "build", "server", "jobs.sqlite") });
  });

  it("is .zkinfer/ in the project the command runs in when zkinfer is an installed dependency", () => {
    const project = tmp.file("app");
    mkdirSync(path.join(project, "src", "deep"), { recursive: true });
    writeFileSync(path.join(project, "package.json"), "{}");
    const installed = path.join(project, "node_modules", "@zkinfer-dev", "zkinfer");
    expect(isInstalledPackage(installed)).toBe(true);
    expect(resolveDataDir({ env: {}, cwd: path.join(project, "src", "deep"), packageRoot: installed })).toBe(path.join(project, ".zkinfer"));
  });

  it("is $ZKINFER_DATA_DIR when set, relative to the working directory", () => {
    const installed = path.join(tmp.path, "node_modules", "zkinfer");
    expect(resolveDataDir({ env: { ZKINFER_DATA_DIR: "cache/zk" }, cwd: tmp.path, packageRoot: installed })).toBe(tmp.file("cache", "zk"));
    expect(resolveDataDir({ env: { ZKINFER_DATA_DIR: "/var/zk" }, cwd: tmp.path })).toBe(path.resolve("/var/zk"));
  });

  it("moves the server's job database and ptau cache when given in the environment, unless they are named", () => {
    const dir = tmp.file("data");
    expect(loadConfig({ env: { ZKINFER_DATA_DIR: dir } })).toMatchObject({ dbPath: path.join(dir, "server", "jobs.sqlite"), devPtauDir: path.join(dir, "ptau") });
    expect(loadConfig({ env: { ZKINFER_DATA_DIR: dir, ZKINFER_DB: "/tmp/j.sqlite" } }).dbPath).toBe("/tmp/j.sqlite");
  });
});
