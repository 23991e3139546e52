// A lock between processes for one cached artefact (a dev ptau): test files (vitest
// forks) and dev servers that need the same one at once would otherwise each make it,
// on threads that already use every core, doubling up to a minute of work. The lock is a directory (mkdir is atomic) holding
// the owner's pid; a lock whose process is gone is taken over.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const POLL_MS = 200;

export async function withFileLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = Number(await readFile(path.join(lock, "pid"), "utf8").catch(() => "0"));
    if (owner > 0 && !alive(owner)) await rm(lock, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await writeFile(path.join(lock, "pid"), String(process.pid));
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
