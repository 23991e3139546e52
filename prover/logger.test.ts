import { describe, expect, it } from "vitest";
import { snarkjsLogger, withLevels } from "./logger.ts";

describe("the one logger type", () => {
  it("withLevels makes an info-only logger complete: error falls back to warn, warn to info", () => {
    const lines: string[] = [];
    const l = withLevels({ info: (m) => lines.push(`info ${m}`) });
    l.warn("w");
    l.error("e");
    expect(lines).toEqual(["info w", "info e"]);
    const both: string[] = [];
    withLevels({ info: (m) => both.push(`info ${m}`), warn: (m) => both.push(`warn ${m}`) }).error("e");
    expect(both).toEqual(["warn e"]);
  });

  it("snarkjs' errors reach a logger's error level; its debug noise does not", () => {
    const lines: string[] = [];
    const s = snarkjsLogger({ info: (m) => lines.push(`info ${m}`), error: (m) => lines.push(`error ${m}`) });
    s.debug("d");
    s.error("bad");
    s.info("i");
    expect(lines).toEqual(["error bad", "info i"]);
  });
});
