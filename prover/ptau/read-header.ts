// Reads the container and header section of a .ptau file without loading its points:
// enough to confirm the curve and power of a cached or imported file.
import { open } from "node:fs/promises";
import { PtauError } from "./errors.ts";
import { BN254_Q, PTAU_MAGIC } from "./ptau-format.ts";

export interface PtauHeader {
  power: number;
  /** Power of the ceremony the file was cut from (28 for the Hermez files). */
  ceremonyPower: number;
  /** Section ids present, with their byte offsets and sizes. */
  sections: Map<number, { offset: number; size: number }>;
  fileSize: number;
}

export async function readPtauHeader(file: string): Promise<PtauHeader> {
  let fh;
  try {
    fh = await open(file, "r");
  } catch (e) {
    throw new PtauError(`${file}: cannot open ptau file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    const { size: fileSize } = await fh.stat();
    const read = async (pos: number, len: number) => {
      const b = Buffer.alloc(len);
      const { bytesRead } = await fh!.read(b, 0, len, pos);
      if (bytesRead !== len) throw new PtauError(`${file}: truncated ptau file (wanted ${len} bytes at offset ${pos})`);
      return b;
    };
    const head = await read(0, 12);
    if (head.toString("latin1", 0, 4) !== PTAU_MAGIC) throw new PtauError(`${file}: not a .ptau file (bad magic)`);
    const nSections = head.readUInt32LE(8);
    const sections = new Map<number, { offset: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = await read(pos, 12);
      const id = sh.readUInt32LE(0);
      const size = Number(sh.readBigUInt64LE(4));
      if (pos + 12 + size > fileSize) throw new PtauError(`${file}: section ${id} runs past the end of the file`);
      if (!sections.has(id)) sections.set(id, { offset: pos + 12, size });
      pos += 12 + size;
    }
    const h = sections.get(1);
    if (!h) throw new PtauError(`${file}: ptau file has no header section`);
    const body = await read(h.offset, h.size);
    const n8 = body.readUInt32LE(0);
    if (n8 !== 32 || h.size !== 4 + n8 + 8) throw new PtauError(`${file}: unsupported ptau header (field size ${n8} bytes)`);
    let q = 0n;
    for (let i = n8 - 1; i >= 0; i--) q = (q << 8n) | BigInt(body[4 + i]);
    if (q !== BN254_Q) throw new PtauError(`${file}: ptau file is not for the bn128 curve`);
    return { power: body.readUInt32LE(4 + n8), ceremonyPower: body.readUInt32LE(8 + n8), sections, fileSize };
  } finally {
    await fh.close();
  }
}
