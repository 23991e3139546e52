/**
 * Compiles an integer ONNX graph to a circom circuit. Visibility (DESIGN.md decision 3):
 *   weights  fixed  — constants of the circuit, bound by the verifying key (default)
 *            hashed — private inputs, range-checked, bound by a public Poseidon commitment:
 *                     one circuit serves any weights of the architecture (same scales)
 *   input    hashed — private, bound by a public commitment (default) | public
 *            hashed-salted — as hashed, the commitment also hashing a private salt (hides a guessable input)
 *   output   public — the values (default) | hashed — a commitment with a private salt
 * Public signals, in order: [inputCommitment]? [weightsCommitment]? (out[...] | outputCommitment) [x[...]]? [nonce]?
 * The optional `nonce` is a public input the prover fixes (an oracle reads it as the observation
 * time): declared last, so it is the last public signal, and otherwise unused by the model.
 */
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { opFor } from "../ops/index.ts";
import { toIntTensor } from "../evaluate-integer.ts";
import { fuseRequant } from "./fuse.ts";
import { constLin, signalLin } from "../lowering/linexpr.ts";
import { Lowering, type NodeCost, type SymTensor } from "../lowering/lowering.ts";
import { emitChain, emitPack } from "./commit-emit.ts";
import { weightTensors } from "./weights.ts";
import { splitIntoBlocks, renameRefs } from "./blocks.ts";
import { NONCE_SIGNAL } from "../inputs.ts";

export interface Visibility {
  weights: "fixed" | "hashed";
  input: "public" | "hashed" | "hashed-salted";
  output: "public" | "hashed";
}

export const DEFAULT_VISIBILITY: Visibility = { weights: "fixed", input: "hashed", output: "public" };
/** Hashed biases are range-checked to this many bits (the circuit's bounds assume it). */
export const DEFAULT_BIAS_BITS = 24;

export interface CompileOptions {
  /** circom template name, e.g. "DigitsMlp". */
  templateName: string;
  visibility?: Partial<Visibility>;
  biasBits?: number;
  /** Layer lines per sub-template once a circuit is large (default BLOCK_LINES). */
  blockLines?: number;
  /** Adds the public input `nonce` (see NONCE_SIGNAL); default false. */
  nonce?: boolean;
}

export { NONCE_SIGNAL } from "../inputs.ts";
/**
 * What is appended to the ONNX bytes to make the model id of a circuit with a nonce: it is
 * another circuit and verifier than the plain one of the same ONNX, so it needs an id of its own
 * (a registry never re-registers an id).
 */
export const NONCE_ID_TAG = "nonce";

/** Layer lines per sub-template: keeps each template's wasm function far below V8's 7.6 MB limit. */
export const BLOCK_LINES = 4000;

export interface CompiledCircuit {
  source: string;
  inputSize: number;
  outputSize: number;
  visibility: Visibility;
  publicSignals: string[];
  /** Hashed-weights mode: the initializers that became private inputs w0, w1, ... (int8 first, then biases). */
  weightInputs: { signal: string; tensor: string; kind: "weight" | "bias"; size: number }[];
  costs: NodeCost[];
  estimatedConstraints: number;
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
};

function checkRange(t: SymTensor, where: string): void {
  if (t.kind !== "sym") return;
  const [lo, hi] = INT_RANGE[t.dtype] ?? [-(2n ** 63n), 2n ** 63n - 1n];
  for (const e of t.elems) {
    if (e.min < lo || e.max > hi) throw new ProverError(`${where}: values may reach [${e.min}, ${e.max}], beyond ${t.dtype}; onnxruntime would wrap`);
  }
}

/** Op modules name a node as `node <name> (<op>)`; errors leaving the compiler also give its index. */
function withIndex<T>(node: { name: string; opType: string }, i: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ProverError) e.message = e.message.replace(`node ${node.name} (${node.opType})`, `node ${node.name} (#${i}, ${node.opType})`);
    throw e;
  }
}

export function compileToCircom(graph: Graph, opts: CompileOptions): CompiledCircuit {
  const vis: Visibility = { ...DEFAULT_VISIBILITY, ...opts.visibility };
  const biasBits = opts.biasBits ?? DEFAULT_BIAS_BITS;
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new ProverError(`graph must have one input and one output, has ${graph.inputs.length} and ${graph.outputs.length}`);
  }
  const inp = graph.inputs[0];
  if (inp.dtype !== "int8") throw new ProverError(`input ${inp.name}: must be int8, is ${inp.dtype}`);
  const dims = inp.dims.map((d) => (typeof d === "number" ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  const ctx = new Lowering(opts.templateName);
  const decl: string[] = [`signal input x[${n}];`];
  const publicSignals: string[] = [];
  const values = new Map<string, SymTensor>();
  const hashed = vis.weights === "hashed" ? weightTensors(graph) : [];
  const weightInputs: CompiledCircuit["weightInputs"] = [];
  for (const [name, t] of graph.initializers) values.set(name, { kind: "const", ...toIntTensor(t) });
  values.set(inp.name, { kind: "sym", dtype: "int8", dims, elems: Array.from({ length: n }, (_, i) => signalLin(`x[${i}]`, -128n, 127n)) });

  ctx.beginNode("input", vis.input === "public" ? "zkinfer.InputRange" : "zkinfer.InputCommitment");
  const packedX = emitPack(ctx, "packX", "x", n, 8);
  if (vis.input !== "public") {
    const salted = vis.input === "hashed-salted";
    if (salted) decl.push("signal input inputSalt;");
    decl.push("signal output inputCommitment;");
    publicSignals.push("inputCommitment");
    ctx.emit(`inputCommitment <== ${emitChain(ctx, "commitX", String(n), salted ? ["inputSalt", ...packedX] : packedX)};`);
  }

  if (hashed.length) {
    ctx.beginNode("weights", "zkinfer.WeightsCommitment");
    hashed.forEach((w, k) => {
      const t = graph.initializers.get(w.tensor)!;
      const signal = `w${k}`, size = t.data.length;
      const half = w.kind === "weight" ? 128n : 1n << BigInt(biasBits - 1);
      decl.push(`signal input ${signal}[${size}];`);
      weightInputs.push({ signal, tensor: w.tensor, kind: w.kind, size });
      values.set(w.tensor, { kind: "sym", dtype: t.dtype, dims: t.dims, elems: Array.from({ length: size }, (_, i) => signalLin(`${signal}[${i}]`, -half, half - 1n)) });
    });
    const packed = weightInputs.flatMap((w) => emitPack(ctx, `pack${w.signal}`, w.signal, w.size, w.kind === "weight" ? 8 : biasBits));
    const total = weightInputs.reduce((a, w) => a + w.size, 0);
    decl.push("signal output weightsCommitment;");
    publicSignals.push("weightsCommitment");
    ctx.emit(`weightsCommitment <== ${emitChain(ctx, "commitW", String(total), packed)};`);
  }

  const layersStart = ctx.lines.length;
  for (const node of fuseRequant(graph, new Set(hashed.map((w) => w.tensor)))) {
    const i = node.index, where = `node ${node.name} (#${i}, ${node.opType})`;
    const op = opFor(node, i);
    ctx.beginNode(node.name, node.opType);
    ctx.comment(`node ${node.name} (${node.opType})`);
    const outs = withIndex(node, i, () => op.lower(node, node.inputs.map((nm) => (nm === "" ? undefined : values.get(nm))), ctx));
    node.outputs.forEach((nm, k) => {
      if (nm === "") return;
      if (!outs[k]) throw new ProverError(`${where}: output ${k} (${nm}) is not supported`);
      checkRange(outs[k], where);
      values.set(nm, outs[k]);
    });
  }

  const layersEnd = ctx.lines.length;
  const out = values.get(graph.outputs[0].name);
  if (!out) throw new ProverError(`output ${graph.outputs[0].name} is never computed`);
  const outN = out.kind === "sym" ? out.elems.length : out.data.length;
  const outLin = (i: number) => (out.kind === "sym" ? out.elems[i] : constLin(BigInt(out.data[i])));
  ctx.beginNode("output", vis.output === "hashed" ? "zkinfer.OutputCommitment" : "zkinfer.Output");
  if (vis.output === "public") {
    decl.push(`signal output out[${outN}];`);
    publicSignals.push(...Array.from({ length: outN }, (_, i) => `out[${i}]`));
    // out[i] <== linear combination: --O2 folds it into the signals it combines.
    for (let i = 0; i < outN; i++) ctx.assign(`out[${i}]`, outLin(i));
  } else {
    decl.push("signal input salt;", `signal out[${outN}];`, "signal output outputCommitment;");
    publicSignals.push("outputCommitment");
    for (let i = 0; i < outN; i++) ctx.assign(`out[${i}]`, outLin(i));
    const elems = ["salt", ...Array.from({ length: outN }, (_, i) => `out[${i}]`)];
    ctx.emit(`outputCommitment <== ${emitChain(ctx, "commitY", String(outN), elems)};`);
  }
  if (vis.input === "public") publicSignals.push(...Array.from({ length: n }, (_, i) => `x[${i}]`));
  if (opts.nonce) {
    // Public inputs come after the outputs, in declaration order: declared last, the nonce is the
    // last public signal. A public input in no constraint has a zero term in a verifying key, so
    // a proof would verify with any value there. snarkjs' setup happens to add a term for every
    // public input (test/nonce.test.ts shows it), but the binding should not rest on one
    // backend's habit: the square puts the nonce in a constraint of the circuit itself.
    decl.push(`signal input ${NONCE_SIGNAL};`);
    publicSignals.push(NONCE_SIGNAL);
    ctx.beginNode(NONCE_SIGNAL, "zkinfer.Nonce");
    ctx.emit(`signal nonceSquare <== ${NONCE_SIGNAL} * ${NONCE_SIGNAL};`);
    ctx.addCost(1);
  }

  // Large graphs: the layers go into sub-templates, each small enough to be one wasm function.
  let body = ctx.lines, templates: string[] = [];
  if (layersEnd - layersStart > (opts.blockLines ?? BLOCK_LINES)) {
    const after = ctx.lines.slice(layersEnd);
    const b = splitIntoBlocks(ctx.lines.slice(layersStart, layersEnd), after, opts.templateName, opts.blockLines ?? BLOCK_LINES);
    templates = b.templates;
    body = [...ctx.lines.slice(0, layersStart), ...b.mainLines, ...renameRefs(after, b.rename)];
  }

  const source = [
    "// GENERATED by zkinfer's compiler from the integer ONNX graph. Do not edit by hand.",
    `// visibility: weights ${vis.weights}, input ${vis.input}, output ${vis.output}`,
    "pragma circom 2.1.0;",
    "",
    'include "zkinfer.circom";',
    "",
    ...ctx.templates,
    ...templates,
    `template ${opts.templateName}() {`,
    ...decl.map((d) => `    ${d}`),
    ...body,
    "}",
    "",
    `component main${mainPublic(vis.input === "public", opts.nonce === true)} = ${opts.templateName}();`,
    "",
  ].join("\n");
  return {
    source,
    inputSize: n,
    outputSize: outN,
    visibility: vis,
    publicSignals,
    weightInputs,
    costs: ctx.costs,
    estimatedConstraints: ctx.costs.reduce((a, c) => a + c.constraints, 0),
  };
}

/** The main component's public-input list: x for a public input, then the nonce. */
function mainPublic(publicInput: boolean, nonce: boolean): string {
  const names = [...(publicInput ? ["x"] : []), ...(nonce ? [NONCE_SIGNAL] : [])];
  return names.length ? ` {public [${names.join(", ")}]}` : "";
}
