/**
 * The model cards of every example model: labels that name every class, the decision that
 * reads a class from the output, the preprocessing (the tabular model's standardisation from its
 * training card), and the output reading on the test samples agreeing with the data set's labels
 * as models/lib/datasets.ts scores them.
 */
import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MODELS_DIR, openModelDir } from "../../prover/model-dir.ts";
import { predictedLabel } from "../../models/lib/datasets.ts";
import { cardFields, readOutput } from "./model-card.ts";

const names = readdirSync(MODELS_DIR).filter((d) => existsSync(path.join(MODELS_DIR, d, "manifest.json"))).sort();
const card = (name: string) => {
  const d = openModelDir(name);
  const f = cardFields(d.manifest, d.dir);
  const info = { labels: f.labels, output: { name: "out", shape: [], dtype: "int32", shift: d.manifest.output.shift, decision: f.decision } };
  return { m: d.manifest, f, info };
};

describe("model cards", () => {
  it("every classifier of the examples has a label per class; the denoiser has no decision", () => {
    expect(names.length).toBeGreaterThan(8);
    for (const n of names) {
      const { m, f } = card(n);
      const dataset = (m.recipe as { dataset: string }).dataset;
      if (dataset === "zoo:unet-digits") {
        expect(f.decision, n).toBeUndefined();
        expect(f.labels, n).toBeUndefined();
        continue;
      }
      expect(f.labels, n).toBeDefined();
      expect(f.labels!.length, n).toBe(f.decision === "threshold" ? 2 : 10);
      expect(f.preprocessing.description, n).not.toMatch(/not recorded/);
    }
    expect(card("fmnist-cnn14").f.labels![9]).toBe("Ankle boot");
    expect(card("digits-mlp").f.preprocessing.expectedRange).toEqual({ min: 0, max: 1 });
  });

  it("every example states its layers' ops and its test score; the denoiser's metric is mse", () => {
    for (const n of names) {
      const { f } = card(n);
      expect(f.architecture?.layers.length, n).toBeGreaterThan(0);
      expect(f.architecture!.ops, n).toEqual([...new Set(f.architecture!.layers)]);
      expect(f.accuracy?.integer, n).toBeTypeOf("number");
    }
    expect(card("digits-mlp").f).toMatchObject({
      architecture: { layers: ["Gemm", "Relu", "Gemm"], ops: ["Gemm", "Relu"] },
      accuracy: { metric: "accuracy", testSamples: 359 },
    });
    expect(card("unet-digits").f.accuracy!.metric).toBe("mse");
  });

  it("the tabular model: benign/malignant by threshold, with the train split's mean, std and feature names", () => {
    const { f } = card("tabular-breast-cancer");
    expect(f).toMatchObject({ decision: "threshold", labels: ["benign", "malignant"] });
    expect(f.preprocessing.mean).toHaveLength(30);
    expect(f.preprocessing.std).toHaveLength(30);
    expect(f.preprocessing.features![0]).toBe("mean_radius");
  });

  it("reads the output as models/lib/datasets.ts scores it, at the boundaries too", () => {
    const bc = card("tabular-breast-cancer").info; // shift 7: 1/2 is 64
    expect(readOutput(bc, [64])).toEqual({ outputFloat: [0.5], argmax: 0, label: "benign" });
    expect(readOutput(bc, [65])).toEqual({ outputFloat: [65 / 128], argmax: 1, label: "malignant" });
    for (const q of [-128, 0, 64, 65, 127]) expect(readOutput(bc, [q]).argmax).toBe(predictedLabel([q], 7));
    const dm = card("digits-mlp").info; // shift 9
    const out = [3, -5, 700, 700, 2, 0, 0, 0, 0, -1024];
    expect(readOutput(dm, out)).toEqual({ outputFloat: out.map((q) => q / 512), argmax: 2, label: "2" });
    expect(readOutput(dm, out).argmax).toBe(predictedLabel(out, 9));
    expect(readOutput(dm, [])).toEqual({ outputFloat: [] });
  });

  it("a manifest's own labels and preprocessing win; labels that do not name every class are left off", () => {
    const d = openModelDir("digits-mlp");
    const own = cardFields({ ...d.manifest, labels: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], preprocessing: "raw" } as never, d.dir);
    expect(own.labels![0]).toBe("a");
    expect(own.preprocessing.description).toBe("raw");
    expect(cardFields({ ...d.manifest, labels: ["a", "b"] } as never, d.dir).labels).toBeUndefined();
    const unknown = cardFields({ ...d.manifest, recipe: undefined, labels: ["a", "b"] } as never, d.dir);
    expect(unknown).toMatchObject({ decision: "argmax" });
    expect(unknown.labels).toBeUndefined();
  });
});
