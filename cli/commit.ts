/**
 * `zkinfer commit`: the input commitment of an input, as the circuit computes it (and a proof of
 * it will carry), without proving: locally from the model folder, or with --gateway from a
 * running server (POST /v1/models/{model}/commit). With it a client opens an escrow request
 * bound to its input before inferring.
 */
import { freshSalt, inputCommitment, parseSalt } from "../prover/commitment.ts";
import { floatRange } from "../prover/input-values.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { progress, UsageError, type Command } from "./args.ts";
import { readCheckedInput, readInputJson } from "./input.ts";

export const commit: Command = {
  name: "commit",
  usage: `usage: zkinfer commit <model> --input <json|file> [--float] [--strict] [--input-salt <decimal>] [--gateway <url> [--api-key <key>]]

  --input       the input as a JSON array (or a file holding one): int8 values, already quantized
  --float       the input is real values: quantize with the model's input scale (round half away from zero)
  --strict      with --float: refuse a value the input scale cannot represent (default: clip it,
                and say how many were clipped on stderr)
  --input-salt  models with a hashed-salted input: the commitment's salt, a decimal field element
                (default: a fresh random one, printed: pass it to prove or infer to get the same commitment)
  --gateway     ask a running server (e.g. http://127.0.0.1:8080) instead: <model> is then its id or name
  --api-key     the server's API key, when it has keys

  Prints {"model", "modelId", "inputCommitment"[, "inputSalt"][, "warning"]} as JSON on stdout.
  No job is created and nothing is proved. A model with a public input has no input commitment.`,
  options: {
    input: { type: "string" }, float: { type: "boolean" }, strict: { type: "boolean" }, "input-salt": { type: "string" },
    gateway: { type: "string" }, "api-key": { type: "string" },
  },
  async run([model], v) {
    if (!model) throw new UsageError("missing <model>: a model folder or example name (with --gateway: the server's model id or name)");
    if (v.strict && !v.float) throw new UsageError("--strict: only with --float (int8 values are never clipped: out of range they are refused)");
    const out = v.gateway ? await askGateway(model, v) : await computeLocally(model, v);
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");
    return 0;
  },
};

async function computeLocally(model: string, v: Record<string, string | boolean | undefined>): Promise<Record<string, unknown>> {
  if (v["api-key"] !== undefined) throw new UsageError("--api-key: only with --gateway");
  const m = openModelDir(model).manifest;
  const vis = m.visibility.input;
  if (vis === "public") throw new UsageError(`<model>: ${m.name}'s input is public (its proof carries the input values), so there is no input commitment to compute`);
  const salted = vis === "hashed-salted";
  if (v["input-salt"] !== undefined && !salted) throw new UsageError(`--input-salt: model ${m.name}'s input is ${vis}, its commitment takes no salt`);
  const checked = readCheckedInput(v.input as string | undefined, m, v.float === true, v.strict === true);
  const salt = salted ? (v["input-salt"] === undefined ? freshSalt() : parseSalt(v["input-salt"], "--input-salt")) : undefined;
  const out: Record<string, unknown> = { model: m.name, modelId: m.modelId, inputCommitment: (await inputCommitment(Array.from(checked.x), salt)).toString() };
  if (salt !== undefined) out.inputSalt = salt.toString();
  if (checked.clipped) {
    const r = floatRange(m.input.shift);
    const message = `${checked.clipped} float value(s) outside ${r.min}..${r.max} (what the input scale 2^${m.input.shift} represents) were clipped to that range, the first ${checked.firstClipped}; pass --strict to refuse such an input`;
    out.warning = { code: "INPUT_CLIPPED", clipped: checked.clipped, field: checked.firstClipped, message };
    progress.info(`warning: ${message}`);
  }
  return out;
}

async function askGateway(model: string, v: Record<string, string | boolean | undefined>): Promise<Record<string, unknown>> {
  let base: URL;
  try {
    base = new URL(String(v.gateway));
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new UsageError(`--gateway: expected the server's http(s) URL, e.g. http://127.0.0.1:8080, got ${JSON.stringify(v.gateway)}`);
  }
  const body = {
    input: readInputJson(v.input as string | undefined),
    kind: v.float ? "float" : "int8",
    ...(v["input-salt"] !== undefined ? { inputSalt: v["input-salt"] } : {}),
    ...(v.strict ? { strict: true } : {}),
  };
  const url = new URL(`v1/models/${encodeURIComponent(model)}/commit`, base.href.endsWith("/") ? base.href : `${base.href}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(v["api-key"] ? { authorization: `Bearer ${v["api-key"]}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(`--gateway: ${url.origin} does not answer (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message})`);
  }
  const text = await res.text();
  let answer: { error?: { message?: string; field?: string } } & Record<string, unknown>;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new Error(`--gateway: ${url.href} answered ${res.status} with no JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    // The server names its own fields; the command's flags stand for them.
    const message = (answer.error?.message ?? text).replace(/^input(?=[[:])/, "--input").replace(/^inputSalt:/, "--input-salt:").replace(/^strict:/, "--strict:");
    const fault = `--gateway: ${res.status} ${message}`;
    if (res.status >= 400 && res.status < 500) throw new UsageError(fault);
    throw new Error(fault);
  }
  if (answer.warning) progress.info(`warning: ${(answer.warning as { message: string }).message}`);
  return { model, ...answer };
}
