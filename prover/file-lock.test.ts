// withFileLock: callers of one lock take turns (also across processes), and a lock left by a
// process that is gone is taken over instead of waited on forever.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withFileLock } from "./file-lock.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-lock-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("withFileLock", () => {
  it("runs holders one at a time and removes the lock after each", async () => {
    const lock = path.join(dir, "a.lock");
    const events: string[] = [];
    const holder = (name: string) => withFileLock(lock, async () => {
      events.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 100));
      events.push(`${name} out`);
      return name;
    });
    expect(await Promise.all([holder("one"), holder("two")])).toEqual(["one", "two"]);
    // Which holder gets the lock first is up to the file system; that they never overlap is not.
    const first = events[0].split(" ")[0];
    const second = first === "one" ? "two" : "one";
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    await expect(withFileLock(lock, async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await withFileLock(lock, async () => "free again")).toBe("free again");
  });

  it("takes over a lock whose owner process has exited", async () => {
    const lock = path.join(dir, "b.lock");
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    mkdirSync(lock);
    writeFileSync(path.join(lock, "pid"), gone.stdout);
    expect(await withFileLock(lock, async () => "taken over")).toBe("taken over");
  });
});
