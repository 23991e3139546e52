import { describe, expect, it } from "vitest";
import { formatLogLine, logFormatFor, streamLogger } from "./log-format.ts";
import { snarkjsLogger } from "./logger.ts";

const capture = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
};

describe("zkinfer's one log format", () => {
  it("is JSON lines off a terminal and readable lines on one; ZKINFER_LOG_FORMAT overrides", () => {
    expect(logFormatFor({ isTTY: false }, {})).toBe("json");
    expect(logFormatFor({}, {})).toBe("json");
    expect(logFormatFor({ isTTY: true }, {})).toBe("text");
    expect(logFormatFor({ isTTY: true }, { ZKINFER_LOG_FORMAT: "json" })).toBe("json");
    expect(logFormatFor({ isTTY: false }, { ZKINFER_LOG_FORMAT: " TEXT " })).toBe("text");
    expect(logFormatFor({ isTTY: false }, { ZKINFER_LOG_FORMAT: "yaml" })).toBe("json");
  });

  it("writes time, level, message and fields as JSON keys, one object per line", () => {
    const { out, stream } = capture(false);
    const log = streamLogger(stream, { base: { component: "cli" }, format: "json" });
    log.warn('a "quoted"\nmessage', { model: "digits-mlp", n: 3 });
    expect(out).toHaveLength(1);
    expect(out[0].endsWith("\n")).toBe(true);
    expect(out[0].slice(0, -1)).not.toContain("\n");
    const o = JSON.parse(out[0]);
    expect(o).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: "warn", msg: 'a "quoted"\nmessage', component: "cli", model: "digits-mlp", n: 3 });
  });

  it("writes a readable line on a terminal: time, level, message, then key=value (quoted when needed)", () => {
    const t = new Date("2026-12-02T14:02:11.123Z");
    expect(formatLogLine("text", "info", "setup done", { seconds: 3.1, dir: "a b", ok: true }, t)).toBe('14:02:11 info  setup done seconds=3.1 dir="a b" ok=true');
    expect(formatLogLine("text", "error", "boom", {}, t)).toBe("14:02:11 error boom");
  });

  it("passes on snarkjs' info and warnings, not its debug chatter", () => {
    const { out, stream } = capture(false);
    const s = snarkjsLogger(streamLogger(stream, { format: "json" }));
    s.debug("Applying key: L Section: 0/1000");
    s.info("Circuit hash: ...");
    expect(out.map((l) => JSON.parse(l).msg)).toEqual(["Circuit hash: ..."]);
  });

  it("drops debug lines unless asked for", () => {
    const quiet = capture(false), loud = capture(false);
    streamLogger(quiet.stream, { format: "json" }).debug?.("x");
    streamLogger(loud.stream, { format: "json", debug: true }).debug?.("x");
    expect(quiet.out).toEqual([]);
    expect(JSON.parse(loud.out[0]).level).toBe("debug");
  });
});
