const ff: any = await import("ffjavascript" as string);
const curve = await ff.getCurveFromName("bn128", { singleThread: true });
const tm = curve.tm; const ex = tm.instance.exports;
const names = Object.keys(ex);
console.log(names.filter((n: string) => /^g2m_(add|double|mul)/.test(n) || /^f2m_(mul|square)$/.test(n) || /^f1m_(mul|square)$/.test(n)).join(" "));
for (const [g, n8] of [["g1m", 32], ["g2m", 64]] as const) {
  const pA = tm.alloc(n8 * 3), pB = tm.alloc(n8 * 3), pAff = tm.alloc(n8 * 2);
  const gen = g === "g1m" ? curve.G1 : curve.G2;
  tm.u8.set(gen.oneAffine, pAff);
  ex[g + "_zero"](pA); ex[g + "_addMixed"](pA, pAff, pA); ex[g + "_double"](pA, pA);
  const time = (name: string, f: () => void, N = 20000) => { const t = performance.now(); for (let i = 0; i < N; i++) f(); console.log(g, name, ((performance.now() - t) / N * 1000).toFixed(2), "us"); };
  time("addMixed", () => ex[g + "_addMixed"](pA, pAff, pA));
  time("add", () => ex[g + "_add"](pA, pA, pB));
  time("double", () => ex[g + "_double"](pA, pA));
}
for (const f of ["f1m", "f2m"]) {
  const n8 = f === "f1m" ? 32 : 64; const a = tm.alloc(n8), b = tm.alloc(n8);
  tm.u8.fill(7, a, a + n8 - 8); tm.u8.fill(3, b, b + n8 - 8);
  const N = 200000; let t = performance.now(); for (let i = 0; i < N; i++) ex[f + "_mul"](a, b, a); console.log(f, "mul", ((performance.now() - t) / N * 1000).toFixed(3), "us");
}
await curve.terminate();
