import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readOnnx, writeOnnx } from "../onnx/proto.ts";
import { quantizeModel } from "../quantize/index.ts";
import { breastCancerSplits } from "../../models/lib/breast-cancer.ts";
import { quantizeCounting } from "./calibrate.ts";

const FLOAT = new URL("../../models/zoo/tabular-breast-cancer/model.float.onnx", import.meta.url);

describe("quantizeCounting", () => {
  it("makes what the quantizer's facade makes, counting one float evaluation per calibration input", () => {
    const calibration = breastCancerSplits().train.map((s) => s.x);
    const opts = { name: "t", activationCoverage: 0.999 };
    let n = 0;
    const counted = quantizeCounting(readOnnx(readFileSync(FLOAT)), calibration, opts, () => n++);
    const facade = quantizeModel(readOnnx(readFileSync(FLOAT)), calibration, opts);
    expect(n).toBe(calibration.length);
    expect(Buffer.from(writeOnnx(counted.graph))).toEqual(Buffer.from(writeOnnx(facade.graph)));
    expect(counted.report).toEqual(facade.report);
    expect(counted.notes).toEqual(facade.notes);
  });
});
