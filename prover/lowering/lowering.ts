/**
 * The state of one compilation: symbolic tensors flowing between ops, the circom lines being
 * written, and the constraints each node costs. Op modules call into it; nothing here knows
 * about particular ops.
 */
import type { DType } from "../onnx/graph.ts";
import { renderLin, signalLin, constLin, scaleLin, type Lin } from "./linexpr.ts";

export type SymTensor =
  | { kind: "const"; dtype: DType; dims: number[]; data: number[] }
  | { kind: "sym"; dtype: DType; dims: number[]; elems: Lin[] };

/** Terms per circom statement (see Lowering.assign). */
const LIN_CHUNK = 64;

export interface NodeCost {
  node: string;
  opType: string;
  constraints: number;
}

export class Lowering {
  readonly lines: string[] = [];
  readonly costs: NodeCost[] = [];
  /** Templates the circuit needs besides the library's (e.g. one per lookup table), in order. */
  readonly templates: string[] = [];
  private readonly templateNames = new Map<string, string>();
  private counter = 0;
  private current: NodeCost | undefined;

  /** The circuit's template name, so that generated templates of two circuits never clash. */
  private readonly prefix: string;

  constructor(prefix = "") {
    this.prefix = prefix;
  }

  /**
   * The name of a generated template, defined once per key; `make(name)` gives its source.
   * Example: `ctx.defineTemplate(key, "Lut", (n) => templateSource(n))` -> "G0Lut0" the first time.
   */
  defineTemplate(key: string, kind: string, make: (name: string) => string): string {
    let name = this.templateNames.get(key);
    if (name === undefined) {
      name = `${this.prefix}${kind}${this.templateNames.size}`;
      this.templateNames.set(key, name);
      this.templates.push(make(name));
    }
    return name;
  }

  /** Starts accounting constraints against one node. */
  beginNode(node: string, opType: string): void {
    this.current = { node, opType, constraints: 0 };
    this.costs.push(this.current);
  }

  addCost(n: number): void {
    if (this.current) this.current.constraints += n;
  }

  emit(line: string): void {
    this.lines.push(`    ${line}`);
  }

  comment(text: string): void {
    this.lines.push(`    // ${text}`);
  }

  /**
   * The product of two values: free when one is a constant, else one signal and one
   * constraint (hashed weights: every multiply-accumulate costs a constraint).
   */
  mul(a: Lin, b: Lin): Lin {
    if (a.terms.size === 0) return scaleLin(b, a.c);
    if (b.terms.size === 0) return scaleLin(a, b.c);
    const name = this.fresh("t");
    this.emit(`signal ${name} <== (${renderLin(a)}) * (${renderLin(b)});`);
    this.addCost(1);
    const c = [a.min * b.min, a.min * b.max, a.max * b.min, a.max * b.max];
    return signalLin(name, c.reduce((x, y) => (y < x ? y : x)), c.reduce((x, y) => (y > x ? y : x)));
  }

  /**
   * Emits `target <== lin;`. A long sum is built up in a circom var, a chunk per statement:
   * circom (in WebAssembly) overflows its stack parsing one expression of hundreds of terms.
   */
  assign(target: string, lin: Lin): void {
    if (lin.terms.size <= LIN_CHUNK) {
      this.emit(`${target} <== ${renderLin(lin)};`);
      return;
    }
    const v = this.fresh("lc");
    const terms = [...lin.terms];
    for (let i = 0; i < terms.length; i += LIN_CHUNK) {
      const part: Lin = { terms: new Map(terms.slice(i, i + LIN_CHUNK)), c: i === 0 ? lin.c : 0n, min: 0n, max: 0n };
      this.emit(`${i === 0 ? "var " : ""}${v} ${i === 0 ? "=" : "+="} ${renderLin(part)};`);
    }
    this.emit(`${target} <== ${v};`);
  }

  /** A fresh component instance name. */
  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }
}
