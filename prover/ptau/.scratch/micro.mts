import { FixedBaseMultiplier } from "../fixed_base.ts";
import { lagrangeScalars, powerScalars, encodeScalars } from "../scalars.ts";
import { deriveDevSecrets, DEV_PTAU_SEED } from "../secrets.ts";
const ff: any = await import("ffjavascript" as string);
const curve = await ff.getCurveFromName("bn128", { singleThread: true });
const { tau, alpha } = deriveDevSecrets(DEV_PTAU_SEED);
let t = performance.now();
const sc = lagrangeScalars(tau, alpha, 16, 0, 4096, false);
console.log("lagrange scalars 4096:", (performance.now() - t).toFixed(1), "ms");
t = performance.now();
const enc = encodeScalars(sc);
console.log("encode 4096:", (performance.now() - t).toFixed(1), "ms");
for (const [g, w] of [["G1", 14], ["G2", 13]] as const) {
  t = performance.now();
  const m = new FixedBaseMultiplier(curve, g, w);
  console.log(g, "table w", w, (performance.now() - t).toFixed(0), "ms");
  t = performance.now();
  const n = g === "G1" ? 4096 : 2048;
  m.multiply(enc, n);
  const dt = performance.now() - t;
  console.log(g, "mult", n, dt.toFixed(0), "ms =", (dt / n * 1000).toFixed(1), "us/pt", (dt / n / Math.ceil(254 / w) * 1000).toFixed(2), "us/add");
}
await curve.terminate();
