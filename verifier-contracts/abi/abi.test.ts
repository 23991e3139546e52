import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileZkinfer } from "../contracts.ts";
import { ABI_DIR, EXPORTED_ABIS, abiFiles } from "./generate.ts";
import * as abis from "./index.ts";

describe("the exported ABIs", () => {
  it("are byte for byte what the generator makes from a fresh compile of the contracts", () => {
    for (const [file, text] of Object.entries(abiFiles())) {
      expect(readFileSync(`${ABI_DIR}${file}`, "utf8"), `${file} is stale: run npx tsx verifier-contracts/abi/generate.ts`).toBe(text);
    }
  });

  it("equal the ABIs of the deployed bytecode, in JSON and in the typed module", () => {
    const artifacts = compileZkinfer();
    for (const [name, exportName] of Object.entries(EXPORTED_ABIS)) {
      expect(JSON.parse(readFileSync(`${ABI_DIR}${name}.json`, "utf8"))).toEqual(artifacts[name]!.abi);
      expect(abis[exportName]).toEqual(artifacts[name]!.abi);
    }
    expect(Object.keys(abis).sort()).toEqual(Object.values(EXPORTED_ABIS).sort());
  });
});
