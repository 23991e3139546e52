/** The plain-JS entry point exports exactly the public API's runtime names, and they work. */
import { describe, expect, it } from "vitest";
import * as ts from "./index.ts";

describe("the package entry point (api/entry.js)", () => {
  it("exports every runtime name of api/index.ts, and no other", async () => {
    // @ts-expect-error: a plain JS module without its own declarations (consumers get dist/types).
    const js = (await import("./entry.js")) as Record<string, unknown>;
    expect(Object.keys(js).sort()).toEqual(Object.keys(ts).sort());
    expect((js.defaultPaths as typeof ts.defaultPaths)("/d").ptauDir).toBe("/d/ptau");
    expect(new (js.ProverError as typeof ts.ProverError)("x").name).toBe("ProverError");
  });
});
