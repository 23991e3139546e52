/**
 * Splits a long generated template into sub-templates ("blocks"). circom compiles each
 * template to one WebAssembly function, and V8 refuses functions over ~7.6 MB: a conv net's
 * unrolled layers in one template exceed that. A block takes the signals it reads from
 * outside as inputs (ext) and exports the signals others read (exp); the wiring is
 * signal-to-signal equalities, which --O2 removes, so the constraints are unchanged.
 */

/** Signal references the generated code makes: inputs x / w, component outputs (requant, max, lookup), products. */
const REF = /\b(?:x\[\d+\]|w\d+\[\d+\]|[rml]\d+\.out|t\d+)(?![\w.[])/g;
const DEF = /^\s*(?:component (\w+) =|signal (t\d+) <==)/;

export interface Blocked {
  /** Template definitions to put before the main template. */
  templates: string[];
  /** Lines that replace the layer lines in the main template. */
  mainLines: string[];
  /** Main-level expression for each exported name (for lines after the layers). */
  rename: Map<string, string>;
}

function defsOf(line: string): string[] {
  const m = DEF.exec(line);
  if (!m) return [];
  return m[1] ? [`${m[1]}.out`] : [m[2]];
}

export function splitIntoBlocks(lines: string[], laterLines: string[], prefix: string, maxLines: number): Blocked {
  // Cut only before a unit starts (a component, a product signal or a comment), never inside one.
  const chunks: string[][] = [[]];
  for (const line of lines) {
    const cur = chunks[chunks.length - 1];
    if (cur.length >= maxLines && /^\s*(component |signal |\/\/)/.test(line)) chunks.push([line]);
    else cur.push(line);
  }
  const definedIn = new Map<string, number>();
  chunks.forEach((c, k) => c.forEach((l) => defsOf(l).forEach((d) => definedIn.set(d, k))));
  const refsOf = (ls: string[]) => new Set(ls.flatMap((l) => l.match(REF) ?? []));
  const exported = chunks.map(() => new Set<string>());
  const imports = chunks.map((c, k) => [...refsOf(c)].filter((r) => definedIn.get(r) !== k));
  imports.forEach((refs) => refs.forEach((r) => { const d = definedIn.get(r); if (d !== undefined) exported[d].add(r); }));
  for (const r of refsOf(laterLines)) { const d = definedIn.get(r); if (d !== undefined) exported[d].add(r); }

  const rename = new Map<string, string>();
  const templates: string[] = [], mainLines: string[] = [];
  chunks.forEach((c, k) => {
    const name = `${prefix}Block${k}`, inst = `blk${k}`;
    const ext = imports[k], exp = [...exported[k]];
    const extIdx = new Map(ext.map((r, i) => [r, i]));
    const body = c.map((l) => l.replace(REF, (r) => (extIdx.has(r) ? `ext[${extIdx.get(r)}]` : r)));
    templates.push([
      `template ${name}() {`,
      ...(ext.length ? [`    signal input ext[${ext.length}];`] : []),
      ...(exp.length ? [`    signal output exp[${exp.length}];`] : []),
      ...body,
      ...exp.map((r, j) => `    exp[${j}] <== ${r};`),
      "}",
      "",
    ].join("\n"));
    mainLines.push(`    component ${inst} = ${name}();`);
    ext.forEach((r, i) => mainLines.push(`    ${inst}.ext[${i}] <== ${rename.get(r) ?? r};`));
    exp.forEach((r, j) => rename.set(r, `${inst}.exp[${j}]`));
  });
  return { templates, mainLines, rename };
}

/** Rewrites references in lines after the layers (the outputs) to the blocks' exports. */
export function renameRefs(lines: string[], rename: Map<string, string>): string[] {
  return lines.map((l) => l.replace(REF, (r) => rename.get(r) ?? r));
}
