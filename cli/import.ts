/** `zkinfer import`: a float ONNX and sample data → a complete model folder (prover/import). */
import { existsSync, readFileSync } from "node:fs";
import { discardStagedDirs, importModel } from "../prover/import/index.ts";
import { DEFAULT_RANDOM_INPUTS } from "../prover/compiler/differential.ts";
import { defaultPaths } from "../prover/paths.ts";
import { devPtau } from "../prover/setup.ts";
import { needFile, UsageError, type Command } from "./args.ts";
import { Progress } from "./progress-bar.ts";

export const importCommand: Command = {
  name: "import",
  usage: `usage: zkinfer import <model.onnx> --calibration <file> [--test <file>] --out <dir> [options]

  Simplifies and quantizes a float ONNX (calibrated on --calibration), scores float vs integer
  on --test, compiles the circuit (with the differential check against onnxruntime), runs the
  Groth16 setup and writes the manifest (the model card) into --out: a folder that zkinfer
  prove, verify and serve take by its path. Nothing is written to --out unless every step
  succeeds. An integer ONNX is refused: compile it with zkinfer compile.

  --calibration   sample inputs: .json (an array of inputs, or {"inputs": [...], "labels": [...]}),
                  .csv (one input per row, header optional) or .npy (float32/float64, shape (n, ...))
  --test          test inputs in the same formats; with labels: accuracy of float and integer;
                  always: their agreement and the integer output's mean absolute error
  --label-column  .csv: the column holding the label (header name or 0-based index)
  --threshold     a single output's label is 1 above this value (default 0.5)
  --out           the model folder to write (new, empty, or an earlier import of the same ONNX)
  --name          model name (default: the --out folder's name)

  Input preprocessing, applied to calibration and test inputs, recorded in the manifest;
  clients apply it too and send x' (or int8): x' = float32((x * scale + offset - mean) / std)
  --scale, --offset, --mean, --std   a number, a comma-separated list with one value per feature,
                  or a .json file holding such a list (defaults 1, 0, 0, 1)

  Quantization:
  --input-shift <n>            input scale 2^n (default: the largest that fits the calibration data)
  --activation-coverage <f>    activation scales cover this fraction of values (0 < f <= 1; default 1)
  --activation-type int8|uint8 type of the activations after each ReLU (default int8)
  --per-channel                one weight scale per output channel

  Circuit (as zkinfer compile): --weights fixed|hashed, --input hashed|hashed-salted|public,
  --output public|hashed, --nonce, --check-inputs <n> (default ${DEFAULT_RANDOM_INPUTS}), --check-seed <n>
  Setup (as zkinfer setup): --ptau <file> [--ptau-hash <hex>], --dev-ptau-dir <dir>
  (default ${defaultPaths().ptauDir}), --no-setup to leave it for zkinfer setup.`,
  options: {
    calibration: { type: "string" }, test: { type: "string" }, out: { type: "string" }, name: { type: "string" },
    "label-column": { type: "string" }, threshold: { type: "string" },
    scale: { type: "string" }, offset: { type: "string" }, mean: { type: "string" }, std: { type: "string" },
    "input-shift": { type: "string" }, "activation-coverage": { type: "string" }, "activation-type": { type: "string" }, "per-channel": { type: "boolean" },
    weights: { type: "string" }, input: { type: "string" }, output: { type: "string" }, nonce: { type: "boolean" },
    "check-inputs": { type: "string" }, "check-seed": { type: "string" },
    ptau: { type: "string" }, "ptau-hash": { type: "string" }, "dev-ptau-dir": { type: "string" }, "no-setup": { type: "boolean" },
  },
  async run([onnx, ...extra], v) {
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" (one <model.onnx>)`);
    const str = (opt: string) => v[opt] as string | undefined;
    const floatPath = needFile("<model.onnx>", onnx);
    const calibration = needFile("--calibration", str("calibration"));
    const test = str("test") === undefined ? undefined : needFile("--test", str("test"));
    const out = str("out");
    if (!out) throw new UsageError("missing --out <dir> (the model folder to write)");
    const number = (opt: string, ok: (x: number) => boolean, what: string): number | undefined => {
      const s = str(opt);
      if (s === undefined) return undefined;
      const x = Number(s);
      if (s.trim() === "" || !Number.isFinite(x) || !ok(x)) throw new UsageError(`--${opt}: "${s}" must be ${what}`);
      return x;
    };
    const choice = <T extends string>(opt: string, allowed: readonly T[]): T | undefined => {
      const s = str(opt);
      if (s !== undefined && !allowed.includes(s as T)) throw new UsageError(`--${opt}: "${s}" is not one of ${allowed.join(", ")}`);
      return s as T | undefined;
    };
    const count = (opt: string) => number(opt, (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, "a non-negative integer below 2^32");
    const preprocessing = Object.fromEntries((["scale", "offset", "mean", "std"] as const).flatMap((k) => (str(k) === undefined ? [] : [[k, vector(k, str(k)!)]])));
    if (v["no-setup"] && (v.ptau || v["dev-ptau-dir"])) throw new UsageError("--no-setup: no setup is run, so --ptau and --dev-ptau-dir have no use");
    const ptau = v["no-setup"] ? (false as const)
      : v.ptau ? { kind: "file" as const, path: needFile("--ptau", str("ptau")), expectedHash: str("ptau-hash") }
      : devPtau(str("dev-ptau-dir"));
    // Ctrl-C (or a kill) mid-import: remove the staging folder, then exit as the signal would.
    const onSignal = (sig: NodeJS.Signals) => {
      discardStagedDirs();
      process.stderr.write(`\nzkinfer import: ${sig}: stopped; nothing was written to ${out}\n`);
      process.exit(128 + (sig === "SIGINT" ? 2 : 15));
    };
    process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
    const r = await importModel({
      floatPath, calibration, test, outDir: out, name: str("name"), labelColumn: str("label-column"),
      threshold: number("threshold", () => true, "a number"),
      preprocessing,
      quantize: defined({
        inputShift: number("input-shift", (x) => Number.isInteger(x) && Math.abs(x) <= 24, "an integer between -24 and 24"),
        activationCoverage: number("activation-coverage", (x) => x > 0 && x <= 1, "a number in (0, 1]"),
        activationType: choice("activation-type", ["int8", "uint8"] as const),
        perChannel: v["per-channel"] === true ? true : undefined,
      }),
      visibility: defined({ weights: choice("weights", ["fixed", "hashed"] as const), input: choice("input", ["hashed", "hashed-salted", "public"] as const), output: choice("output", ["public", "hashed"] as const) }),
      nonce: v.nonce === true,
      check: defined({ randomInputs: count("check-inputs"), seed: count("check-seed") }),
      ptau,
      progress: new Progress(),
    }).finally(() => process.off("SIGINT", onSignal).off("SIGTERM", onSignal));
    const m = r.manifest as { modelId: string; circuit: { constraints: number }; accuracy?: unknown; setup?: { trusted: boolean } };
    process.stdout.write(`${JSON.stringify({ dir: r.dir, modelId: m.modelId, constraints: m.circuit.constraints, accuracy: m.accuracy, trusted: m.setup?.trusted ?? null })}\n`);
    return 0;
  },
};

/** The options given (a key set to undefined would override the library's default when spread). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as Partial<T>;
}

/** A preprocessing parameter: a number, a comma-separated list, or a .json file holding a list. */
function vector(opt: string, s: string): number | number[] {
  let text = s;
  if (existsSync(s)) {
    try {
      text = JSON.stringify(JSON.parse(readFileSync(s, "utf8")));
    } catch (e) {
      throw new UsageError(`--${opt}: ${s} is not valid JSON (${(e as Error).message})`);
    }
  }
  const items = text.replace(/^\[|\]$/g, "").split(",").map((x) => x.trim());
  const values = items.map((x, i) => {
    const n = Number(x);
    if (x === "" || !Number.isFinite(n)) throw new UsageError(`--${opt}${items.length > 1 ? `[${i}]` : ""}: "${x}" is not a number`);
    return n;
  });
  return values.length === 1 && !text.startsWith("[") ? values[0] : values;
}
