/** Reads circom's .sym file: signal name → witness index (-1 where --O2 removed the signal). */
import { readFileSync } from "node:fs";

export function readSym(path: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    const [, wire, , name] = line.split(",");
    m.set(name, Number(wire));
  }
  return m;
}
