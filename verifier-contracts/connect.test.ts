import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { connectChain } from "./connect.ts";
import { VerifierContractsError } from "./errors.ts";

// An endpoint that accepts the connection and never answers: both older copies (CLI and
// server) waited on it for ethers' 5-minute request timeout.
const sockets: import("node:net").Socket[] = [];
const silent: Server = createServer((s) => sockets.push(s));
await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
const port = (silent.address() as { port: number }).port;
afterAll(() => {
  for (const s of sockets) s.destroy();
  silent.close();
});

describe("connectChain", () => {
  it("an RPC that never answers is an error naming the URL within the time limit, not a hang", async () => {
    const t0 = Date.now();
    const e = await connectChain(`http://127.0.0.1:${port}`, undefined, 300).catch((err) => err);
    expect(e).toBeInstanceOf(VerifierContractsError);
    expect(e.message).toBe(`cannot reach http://127.0.0.1:${port}: no answer within 300 ms`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("a refused connection is an error naming the URL", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const p = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await connectChain(`http://127.0.0.1:${p}`, undefined, 3000).catch((err) => err);
    expect(e).toBeInstanceOf(VerifierContractsError);
    expect(e.message).toMatch(new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${p}: `));
  });
});
