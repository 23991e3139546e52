import { describe, expect, it } from "vitest";
import * as client from "./index.ts";
import * as abi from "../verifier-contracts/abi/index.ts";

describe("the plain-Node entry points of ./client and ./abi", () => {
  it("export exactly the run-time names of the TypeScript modules", async () => {
    // @ts-expect-error a JavaScript entry without declarations (the package's types come from dist/types)
    const clientEntry = await import("./entry.js");
    // @ts-expect-error likewise
    const abiEntry = await import("../verifier-contracts/abi/entry.js");
    expect(Object.keys(clientEntry).sort()).toEqual(Object.keys(client).sort());
    expect(Object.keys(abiEntry).sort()).toEqual(Object.keys(abi).sort());
    expect(abiEntry.inferenceEscrowAbi).toEqual(abi.inferenceEscrowAbi);
  });
});
