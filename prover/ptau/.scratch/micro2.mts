import { FixedBaseMultiplier } from "../fixed_base.ts";
import { lagrangeScalars, encodeScalars } from "../scalars.ts";
import { deriveDevSecrets, DEV_PTAU_SEED } from "../secrets.ts";
const ff: any = await import("ffjavascript" as string);
const curve = await ff.getCurveFromName("bn128", { singleThread: true });
const { tau, alpha } = deriveDevSecrets(DEV_PTAU_SEED);
const enc = encodeScalars(lagrangeScalars(tau, alpha, 16, 0, 2048, false));
for (const w of [10, 12, 13, 10]) {
  let t = performance.now();
  const m: any = new FixedBaseMultiplier(curve, "G2", w);
  const tt = performance.now() - t;
  t = performance.now();
  m.multiply(enc, 1024);
  const dt = performance.now() - t;
  console.log("G2 w", w, "table", tt.toFixed(0), "ms; mult 1024:", dt.toFixed(0), "ms", (dt / 1024 / Math.ceil(254 / w) * 1000).toFixed(2), "us/add");
  const ex = curve.tm.instance.exports;
  t = performance.now(); ex.g2m_batchToAffine(m.pJac, 1024, m.pAff); console.log("  toAffine", (performance.now() - t).toFixed(1), "ms");
}
await curve.terminate();
