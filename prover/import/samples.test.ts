import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";
import { readNpy, writeNpy } from "./npy.ts";
import { readSamples } from "./samples.ts";
import { checkPreprocessing, IDENTITY, preprocess } from "./preprocess.ts";

const fixture = (f: string) => fileURLToPath(new URL(`fixtures/${f}`, import.meta.url));
const tmp = makeTempDir("zkinfer-samples-test-");
afterAll(() => tmp.remove());
const file = (name: string, text: string) => {
  writeFileSync(tmp.file(name), text);
  return tmp.file(name);
};

describe("readNpy", () => {
  it("reads float32 and float64 arrays that numpy saved", () => {
    const a = readNpy(readFileSync(fixture("numpy-f4-2x3.npy")), "a.npy");
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([0.5, -1.25, 3, Math.fround(1e-3), 2.5, -7]);
    const b = readNpy(readFileSync(fixture("numpy-f8-2x1x2.npy")), "b.npy");
    expect(b.shape).toEqual([2, 1, 2]);
    expect(Array.from(b.data)).toEqual([0.1, 0.2, -0.3, 1e10]);
  });

  it("writes the bytes numpy writes", () => {
    expect(Buffer.from(writeNpy([2, 3], [0.5, -1.25, 3, 1e-3, 2.5, -7]))).toEqual(readFileSync(fixture("numpy-f4-2x3.npy")));
  });

  it("refuses Fortran order, big-endian data, a short file and a file that is not .npy, saying why", () => {
    expect(() => readNpy(readFileSync(fixture("numpy-fortran.npy")), "f.npy")).toThrow(/f\.npy: .*Fortran order/);
    expect(() => readNpy(readFileSync(fixture("numpy-big-endian.npy")), "b.npy")).toThrow(/b\.npy: .*big-endian/);
    const bytes = readFileSync(fixture("numpy-f4-2x3.npy"));
    expect(() => readNpy(bytes.subarray(0, bytes.length - 4), "s.npy")).toThrow(/s\.npy: .*needs 24 data bytes, the file has 20/);
    expect(() => readNpy(Buffer.from("a,b\n1,2\n"), "c.npy")).toThrow(/c\.npy: .*\\x93NUMPY/);
  });
});

describe("readSamples", () => {
  it("reads a CSV with a header and a label column, and one without a header", () => {
    const s = readSamples(file("a.csv", "x,label,y\n1,0,2\n3,1,4\n"), { features: 2, labelColumn: "label" });
    expect(s.rows.map((r) => Array.from(r))).toEqual([[1, 2], [3, 4]]);
    expect(s.labels).toEqual([0, 1]);
    const t = readSamples(file("b.csv", "1,2,0\n\n3,4,1\n"), { features: 2, labelColumn: "2" });
    expect(t.labels).toEqual([0, 1]);
  });

  it("reads calibration data without the label column when the label is optional", () => {
    const s = readSamples(file("c.csv", "x,y\n1,2\n"), { features: 2, labelColumn: "label", labelOptional: true });
    expect(s.labels).toBeUndefined();
    expect(() => readSamples(tmp.file("c.csv"), { features: 2, labelColumn: "label" })).toThrow(/c\.csv: label column "label" is not in the header \(x,y\)/);
  });

  it("reads JSON arrays of inputs (nested as the input's shape) and {inputs, labels}", () => {
    expect(readSamples(file("a.json", "[[[1,2]],[[3,4]]]"), { features: 2 }).rows.map((r) => Array.from(r))).toEqual([[1, 2], [3, 4]]);
    const s = readSamples(file("b.json", JSON.stringify({ inputs: [[1, 2]], labels: [[1]] })), { features: 2 });
    expect(s.labels).toEqual([1]);
  });

  it("names the file, row and column of a bad value, and refuses a wrong feature count and an empty file", () => {
    expect(() => readSamples(file("d.csv", "a,b\n1,2\n3,oops\n"), { features: 2 })).toThrow(/d\.csv: row 2 \(line 3\), column 1 "b": "oops" is not a finite number/);
    expect(() => readSamples(file("e.csv", "1,2\n3,4,5\n"), { features: 2 })).toThrow(/e\.csv: row 2 \(line 2\) has 3 values, the model's input takes 2/);
    expect(() => readSamples(file("f.csv", "a,b\n1,2\n3\n"), { features: 2 })).toThrow(/f\.csv: row 2 \(line 3\) has 1 columns, the header 2/);
    expect(() => readSamples(file("g.json", "[[1,2],[3,null]]"), { features: 2 })).toThrow(/g\.json: input\[1\], value 1: null is not a finite number/);
    expect(() => readSamples(file("h.json", JSON.stringify({ inputs: [[1, 2]], labels: [0, 1] })), { features: 2 })).toThrow(/h\.json: labels must be an array of 1 numbers/);
    expect(() => readSamples(file("empty.csv", ""), { features: 2 })).toThrow(/empty\.csv: no inputs in the file/);
    expect(() => readSamples(file("empty.json", "[]"), { features: 2 })).toThrow(/empty\.json: no inputs in the file/);
    expect(() => readSamples(file("x.txt", "1,2"), { features: 2 })).toThrow(/x\.txt: unknown format "\.txt"/);
    const npy = tmp.file("n.npy");
    writeFileSync(npy, writeNpy([2, 3], [1, 2, 3, 4, 5, NaN]));
    expect(() => readSamples(npy, { features: 3 })).toThrow(/n\.npy: input 1, value 2: NaN is not a finite number/);
    writeFileSync(npy, writeNpy([2, 3], [1, 2, 3, 4, 5, 6]));
    expect(() => readSamples(npy, { features: 2 })).toThrow(/n\.npy: input 0 \(of shape \(2, 3\)\) has 3 values, the model's input takes 2/);
  });
});

describe("preprocess", () => {
  it("applies (x * scale + offset - mean) / std per feature in float64 and rounds to float32", () => {
    const p = checkPreprocessing({ scale: 2, offset: 1, mean: [1, 2], std: [0.5, 3] }, 2);
    expect(Array.from(preprocess([1, 0.1], p))).toEqual([(1 * 2 + 1 - 1) / 0.5, Math.fround((0.1 * 2 + 1 - 2) / 3)]);
    expect(Array.from(preprocess([0.1], IDENTITY))).toEqual([Math.fround(0.1)]);
  });

  it("refuses a list of the wrong length and a zero std, naming the option", () => {
    expect(() => checkPreprocessing({ ...IDENTITY, mean: [1, 2, 3] }, 2, (k) => `--${k}`)).toThrow(/--mean: 3 values given, the model's input has 2 features/);
    expect(() => checkPreprocessing({ ...IDENTITY, std: [1, 0] }, 2, (k) => `--${k}`)).toThrow(/--std\[1\]: a standard deviation of 0/);
  });
});
