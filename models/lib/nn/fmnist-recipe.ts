/**
 * The shared body of the Fashion-MNIST model recipes (models/fmnist-*): train a Net on the
 * 60,000 training images (seeded init and batch order), measure the float accuracy on the
 * 10,000 test images, write model.float.onnx and training.json, then, unless --float-only,
 * hand the graph to buildModel (quantize, compile, set up) as models/digits-mlp does.
 *
 *   npx tsx models/<name>/recipe.ts [--train-dir DIR] [--float-only]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, platform, arch, loadavg } from "node:os";
import { join } from "node:path";
import { Rng } from "../rng.ts";
import { Net } from "./net.ts";
import { train } from "./train.ts";
import { netToOnnx } from "./to-onnx.ts";
import type { LayerSpec } from "./layer.ts";
import { floatInputs, loadFashionMnist, loadFashionTest, resolveTrainDir } from "../fashion-mnist.ts";
import { readOnnx, writeOnnx } from "../../../prover/onnx/proto.ts";
import type { Graph } from "../../../prover/onnx/graph.ts";

export interface FashionRecipe {
  name: string;
  /** The circom template name buildModel gives the circuit. */
  templateName: string;
  /** Images are 28x28, or 14x14 by 2x2 average pooling. */
  side: 14 | 28;
  /** "image": ONNX input [1, 1, side, side]; "flat": [1, side * side]. */
  input: "image" | "flat";
  specs: LayerSpec[];
  seed: number;
  epochs: number;
  batch: number;
  lr: number;
  lrDecay: number;
  weightDecay: number;
  /** How many training images, drawn by a seeded permutation, calibrate the quantizer. */
  calibrationSamples: number;
}

export async function runFashionRecipe(r: FashionRecipe, dir: string, argv = process.argv): Promise<void> {
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const floatOnly = argv.includes("--float-only");
  const fromFloat = argv.includes("--from-float");
  const trainDir = resolveTrainDir(argv);
  const trainSet = loadFashionMnist(trainDir, "train"), testSet = loadFashionTest();
  const xs = floatInputs(trainSet, r.side), testXs = floatInputs(testSet, r.side);
  const shape = r.input === "image" ? [1, r.side, r.side] : [r.side * r.side];

  const { specs, ...hyper } = r;
  const recipe = {
    ...hyper,
    dataset: `fashion-mnist-${r.side}`,
    layers: specs.map(describe),
    data: "Fashion-MNIST (Zalando, MIT): train split from the IDX files, test split models/data/fashion-mnist",
    inputScaling: `${r.side}x${r.side}, pixel / 255${r.side === 14 ? " averaged over 2x2 blocks" : ""}`,
  };
  let graph: Graph;
  if (fromFloat) {
    // Rebuild the integer model, circuit and manifest from the committed float model.
    graph = readOnnx(readFileSync(join(dir, "model.float.onnx")));
    log(`${r.name}: using the committed model.float.onnx (--from-float), no training`);
  } else {
    const load = loadavg()[0]; // timings are only comparable on an otherwise idle machine
    const rng = new Rng(r.seed);
    const net = new Net(shape, r.specs, rng);
    log(`${r.name}: training on ${trainSet.n} images from ${trainDir} (test: ${testSet.n})`);
    // CPU time, not wall time: training is one thread, and CPU time stays meaningful when the
    // machine is shared or the run is paused (SIGSTOP) to keep out of a benchmark's way.
    const cpu0 = process.cpuUsage(), t0 = performance.now();
    const losses = train(net, xs, trainSet.labels, rng, { ...r, log });
    const cpu = process.cpuUsage(cpu0), seconds = (cpu.user + cpu.system) / 1e6, wall = (performance.now() - t0) / 1000;
    net.roundToFloat32(); // accuracy of exactly the weights the float32 ONNX holds
    const accuracy = net.accuracy(testXs, testSet.labels);
    log(`float test accuracy ${(100 * accuracy).toFixed(2)} % after ${seconds.toFixed(0)} s (CPU) of training`);

    graph = netToOnnx(net, r.name);
    writeFileSync(join(dir, "model.float.onnx"), writeOnnx(graph));
    const training = {
      ...recipe,
      params: net.params.reduce((a, p) => a + p.value.length, 0),
      trainSamples: trainSet.n,
      trainingCpuSeconds: Math.round(seconds * 10) / 10,
      trainingWallSeconds: Math.round(wall * 10) / 10,
      epochLosses: losses.map((l) => Math.round(l * 1e4) / 1e4),
      floatTestAccuracy: accuracy,
      testSamples: testSet.n,
      machine: `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), ${platform()} ${arch()}, Node ${process.version}, one thread`,
      loadAverageAtStart: Math.round(load * 100) / 100,
    };
    writeFileSync(join(dir, "training.json"), `${toJson(training)}\n`);
  }
  if (floatOnly) return;

  const { buildModel } = await import("../build-model.ts"); // loaded only when used: it pulls in snarkjs
  const { terminateSnarkjsCurves } = await import("../../../prover/snarkjs.ts");
  const size = r.side * r.side;
  const calib = new Rng(r.seed + 1).permutation(trainSet.n).slice(0, r.calibrationSamples);
  const calibXs = floatInputs(trainSet, r.side, calib);
  try {
    await buildModel({
      name: r.name,
      templateName: r.templateName,
      dir,
      float: graph,
      calibration: calib.map((_, k) => calibXs.subarray(k * size, (k + 1) * size)),
      test: Array.from({ length: testSet.n }, (_, k) => ({ x: testXs.subarray(k * size, (k + 1) * size), label: testSet.labels[k] })),
      recipe,
      // Large circuits are set up by `zkinfer setup` or bench/models.ts, not by every rebuild.
      skipSetup: argv.includes("--skip-setup"),
      log,
    });
  } finally {
    await terminateSnarkjsCurves();
  }
}

function describe(s: LayerSpec): string {
  return s.type === "conv" ? `conv ${s.filters}@${s.kernel}x${s.kernel}` : s.type === "dense" ? `dense ${s.units}` : s.type === "avgpool" ? "avgpool 2x2" : s.type;
}

/** JSON with arrays of plain values on one line, so the per-epoch losses stay readable. */
function toJson(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/\[\n\s+([^[\]{}]*?)\n\s+\]/g, (_, inner: string) => `[${inner.split(/,\n\s+/).join(", ")}]`);
}
