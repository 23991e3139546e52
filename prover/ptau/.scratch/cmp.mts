import { readFile, writeFile } from "node:fs/promises";
const snarkjs: any = await import("snarkjs" as string);
const file = process.argv[2];
const buf = new Uint8Array(await readFile(file));
const dv = new DataView(buf.buffer);
function sections(b: Uint8Array) {
  const d = new DataView(b.buffer, b.byteOffset);
  const n = d.getUint32(8, true); let pos = 12; const out: Record<number, [number, number]> = {};
  for (let i = 0; i < n; i++) { const id = d.getUint32(pos, true); const size = Number(d.getBigUint64(pos + 4, true)); out[id] = [pos + 12, size]; pos += 12 + size; }
  return { out, end: pos };
}
const s = sections(buf);
const end7 = s.out[7][0] + s.out[7][1];
const part = buf.slice(0, end7); new DataView(part.buffer).setUint32(8, 7, true);
await writeFile("/tmp/part.ptau", part);
await snarkjs.powersOfTau.preparePhase2("/tmp/part.ptau", "/tmp/prep.ptau");
const ref = new Uint8Array(await readFile("/tmp/prep.ptau"));
const r = sections(ref);
console.log("sizes equal", ref.length === buf.length, ref.length, buf.length);
for (const id of [1,2,3,4,5,6,7,12,13,14,15]) {
  const a = buf.slice(s.out[id][0], s.out[id][0] + s.out[id][1]);
  const b = ref.slice(r.out[id][0], r.out[id][0] + r.out[id][1]);
  let firstDiff = -1; for (let i = 0; i < Math.max(a.length,b.length); i++) if (a[i] !== b[i]) { firstDiff = i; break; }
  console.log(id, a.length, b.length, firstDiff === -1 ? "SAME" : `diff at byte ${firstDiff} (point ${Math.floor(firstDiff/(id===13||id===3?128:64))})`);
}
process.exit(0);
