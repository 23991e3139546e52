/**
 * Fashion-MNIST (Zalando, MIT/Expat licence, see models/data/fashion-mnist/LICENSE): 28x28
 * grey-scale images of clothes in 10 classes, 60,000 for training and 10,000 for testing, in
 * the gzipped IDX files of the original distribution.
 *
 * Only the test split lives in the repo (models/data/fashion-mnist/); the 26 MB training
 * images are read from a directory outside it, found by `resolveTrainDir`.
 *
 * Float inputs are pixel / 255. The 14x14 variant is the 2x2 average pooling of the 28x28
 * image: each float value is the mean of 4 neighbouring pixels, divided by 255, i.e.
 * (p00 + p01 + p10 + p11) / 1020.
 */
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FASHION_MNIST_TEST_DIR = fileURLToPath(new URL("../data/fashion-mnist/", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Where Debian's package dataset-fashion-mnist installs the four .gz files. */
export const DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export const FASHION_CLASSES = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
] as const;

export interface FashionSet {
  n: number;
  /** n images of 28x28 pixels 0..255, row-major, one after the other. */
  images: Uint8Array;
  labels: Uint8Array;
}

/** Reads a gzipped IDX file of unsigned bytes (type code 0x08): its dims and data. */
export function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const buf = gunzipSync(readFileSync(path));
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error(`${path}: not an IDX file of unsigned bytes`);
  const rank = buf[3];
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== start + size) throw new Error(`${path}: ${buf.length - start} data bytes for dims [${dims}]`);
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + start, size) };
}

export function loadFashionMnist(dir: string, split: "train" | "test"): FashionSet {
  const prefix = split === "train" ? "train" : "t10k";
  const img = readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const lab = readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  const n = img.dims[0];
  if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28 || lab.dims[0] !== n) {
    throw new Error(`${dir}: ${split} images [${img.dims}] and labels [${lab.dims}] do not match 28x28 Fashion-MNIST`);
  }
  return { n, images: img.data, labels: lab.data };
}

/** The 10,000 test images, from the repo's copy. */
export function loadFashionTest(): FashionSet {
  return loadFashionMnist(FASHION_MNIST_TEST_DIR, "test");
}

/**
 * The directory that holds train-*.gz: `--train-dir DIR`, else $FASHION_MNIST_DIR, else
 * ../shared/data/fashion-mnist beside the repo, else Debian's dataset-fashion-mnist path.
 */
export function resolveTrainDir(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string {
  const i = argv.indexOf("--train-dir");
  const given = i >= 0 ? argv[i + 1] : env.FASHION_MNIST_DIR;
  const candidates = given ? [resolve(given)] : [resolve(REPO_ROOT, "../shared/data/fashion-mnist"), DEBIAN_FASHION_MNIST_DIR];
  for (const dir of candidates) if (existsSync(join(dir, "train-images-idx3-ubyte.gz"))) return dir;
  throw new Error(
    `Fashion-MNIST training data (train-images-idx3-ubyte.gz) not found in ${candidates.join(" or ")}: ` +
      `pass --train-dir DIR or set FASHION_MNIST_DIR (Debian: apt-get install dataset-fashion-mnist)`,
  );
}

/** Image i as the float 28x28 input: pixel / 255. */
export function floatInput28(set: FashionSet, i: number): Float32Array {
  const out = new Float32Array(784);
  for (let k = 0; k < 784; k++) out[k] = set.images[i * 784 + k] / 255;
  return out;
}

/** Image i as the float 14x14 input: each value the mean of a 2x2 block of pixels, / 255. */
export function floatInput14(set: FashionSet, i: number): Float32Array {
  const out = new Float32Array(196);
  const img = set.images, o = i * 784;
  for (let y = 0; y < 14; y++) {
    for (let x = 0; x < 14; x++) {
      const p = o + 2 * y * 28 + 2 * x;
      out[y * 14 + x] = (img[p] + img[p + 1] + img[p + 28] + img[p + 29]) / 1020;
    }
  }
  return out;
}

/** All images of the set (or those at `indices`) as one flat float array, side 14 or 28. */
export function floatInputs(set: FashionSet, side: 14 | 28, indices?: ArrayLike<number>): Float32Array {
  const count = indices ? indices.length : set.n, size = side * side;
  const out = new Float32Array(count * size);
  const one = side === 28 ? floatInput28 : floatInput14;
  for (let k = 0; k < count; k++) out.set(one(set, indices ? indices[k] : k), k * size);
  return out;
}
