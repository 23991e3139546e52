import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_MODELS_DIR } from "../paths.ts";
import { openSession, runOnnx, runSession } from "./runtime.ts";

const onnx = readFileSync(path.join(EXAMPLE_MODELS_DIR, "digits-mlp", "model.int8.onnx"));
const x = Int8Array.from({ length: 64 }, (_, i) => (i * 7) % 17);

describe("the one onnxruntime wrapper", () => {
  it("falls back to CPU when a configured provider cannot start, for the library as for the server", async () => {
    const cpu = await runOnnx(onnx, x);
    // The library's runOnnx used to fail outright here (no fallback), while the server fell back.
    expect(await runOnnx(onnx, x, [1, 64], ["no-such-provider"])).toEqual(cpu);
    const lines: string[] = [];
    const s = await openSession(onnx, ["no-such-provider"], { info: (m) => lines.push(m) }, "model digits");
    expect(s.provider).toBe("cpu");
    expect(lines.join("\n")).toMatch(/model digits: execution provider "no-such-provider" is not available here/);
    expect(lines.join("\n")).toMatch(/model digits: onnxruntime runs on "cpu" \(falling back from "no-such-provider"\)/);
    expect(await runSession(s, x, [1, 64])).toEqual(cpu);
  });

  it("a model that cannot be opened is refused with a ProverError, each time it is asked for", async () => {
    const broken = new Uint8Array([1, 2, 3]);
    await expect(runOnnx(broken, x)).rejects.toThrow(/no execution provider could start/);
    await expect(runOnnx(broken, x)).rejects.toThrow(/no execution provider could start/);
  });
});
