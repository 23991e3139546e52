import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readOnnx, writeOnnx } from "../onnx/proto.ts";
import { quantizeModel } from "./index.ts";
import { breastCancerSplits } from "../../models/lib/breast-cancer.ts";

const FLOAT = new URL("../../models/zoo/tabular-breast-cancer/model.float.onnx", import.meta.url);

describe("quantizeModel's onEvaluate", () => {
  it("is called once per calibration input and changes nothing in what is made", () => {
    const calibration = breastCancerSplits().train.map((s) => s.x);
    const opts = { name: "t", activationCoverage: 0.999 };
    let n = 0;
    const counted = quantizeModel(readOnnx(readFileSync(FLOAT)), calibration, { ...opts, onEvaluate: () => n++ });
    const plain = quantizeModel(readOnnx(readFileSync(FLOAT)), calibration, opts);
    expect(n).toBe(calibration.length);
    expect(Buffer.from(writeOnnx(counted.graph))).toEqual(Buffer.from(writeOnnx(plain.graph)));
    expect(counted.report).toEqual(plain.report);
    expect(counted.notes).toEqual(plain.notes);
  });
});
