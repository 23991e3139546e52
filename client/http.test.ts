import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ZkinferClient } from "./client.ts";
import { ZkinferClientError } from "./errors.ts";

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ZkinferClientError);

describe("the client's HTTP layer", () => {
  it("refuses a baseUrl that is not an http(s) URL, naming it", () => {
    expect(() => new ZkinferClient({ baseUrl: "127.0.0.1:8080" })).toThrow(/baseUrl: expected the gateway's http\(s\) URL, got "127.0.0.1:8080"/);
  });

  it("turns an unreachable gateway into a NETWORK error naming the URL", async () => {
    const srv = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => srv.once("listening", r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r)); // the port is now closed: connection refused
    const e = await failure(new ZkinferClient({ baseUrl: `http://127.0.0.1:${port}` }).models());
    expect(e).toBeInstanceOf(ZkinferClientError);
    expect(e).toMatchObject({ code: "NETWORK", field: "baseUrl" });
    expect(e!.message).toMatch(new RegExp(`^http://127.0.0.1:${port}/v1/models: .*ECONNREFUSED`));
  });
});
