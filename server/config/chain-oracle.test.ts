import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, loadConfig } from "./index.ts";

describe("options.chain.oracle", () => {
  it("is empty by default and read from ZKINFER_CHAIN_ORACLE or a file/override", () => {
    expect(DEFAULT_CONFIG.chain.oracle).toBe("");
    const a = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    expect(loadConfig({ env: { ZKINFER_CHAIN_ORACLE: ` ${a} ` } }).chain.oracle).toBe(a);
    expect(loadConfig({ env: {}, overrides: { chain: { oracle: a } } }).chain.oracle).toBe(a);
  });

  it("refuses what is not an address, naming the option and its variable", () => {
    expect(() => loadConfig({ env: { ZKINFER_CHAIN_ORACLE: "0x1234" } })).toThrow('options.chain.oracle (ZKINFER_CHAIN_ORACLE) must be a ProvenOracle address, 0x followed by 40 hex digits, or "" for none (got "0x1234")');
    expect(() => loadConfig({ env: {}, overrides: { chain: { oracle: 7 as unknown as string } } })).toThrow(/options\.chain\.oracle .* \(got 7\)/);
  });
});
