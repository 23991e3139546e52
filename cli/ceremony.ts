/** `zkinfer ceremony`: a Groth16 phase-2 ceremony for a model (init, contribute, verify, finalize). */
import { prepareModel, modelSetupDir } from "../prover/prepare-model.ts";
import { contributeCeremony, finalizeCeremony, initCeremony, resolvePtau, summarize, verifyTranscript, ceremonyCircuit, devPtau, type PtauSource, type SetupInfo } from "../prover/ceremony/index.ts";
import { hashJson } from "../prover/ceremony/install.ts";
import { loadSnarkjs } from "../prover/snarkjs.ts";
import { needFile, progress, UsageError, type Command } from "./args.ts";

const USAGE = `usage:
  zkinfer ceremony init <model> <ptau> --out <zkey>          start: the initial key (no contribution)
  zkinfer ceremony contribute <in.zkey> --out <zkey> [--name <text>]
                                                             add a contribution of fresh secret randomness;
                                                             prints the contribution hash to publish
  zkinfer ceremony verify <model> <zkey> <ptau>              check the whole transcript (snarkjs zkey verify);
                                                             prints every contribution hash and the key's
                                                             vkeyHash (the one the API serves and deploy prints)
  zkinfer ceremony finalize <model> <zkey> <ptau> --beacon <hex> [--iterations <n>]
                                                             verify, apply the public beacon, install the key
                                                             as the model's setup (build/setup/<hash>/)

  <ptau> is --ptau <file> [--ptau-hash <blake2b hex>]: a ceremony file, refused unless its
  blake2b-512 is the published Hermez one; with --ptau-hash, a file of your own is accepted if
  it matches that hash, but labelled "custom" and its keys are never trusted (anyone can make a
  powers of tau whose tau they know, with a hash to match); or --insecure-dev-ptau
  [--dev-ptau-dir <dir>]: the development powers of tau, whose tau is public, so the key can
  never be trusted (for trying the ceremony out).
  --beacon: a public random value fixed only after the last contribution (e.g. the hash of a
  future block, hex without 0x); --iterations: 2^n sha256 rounds over it (10..63, default 10).
  Output files must not exist; a refused step writes nothing. See docs/trusted-setup.md.`;

function ptauSource(v: Record<string, string | boolean | undefined>): PtauSource {
  if (v.ptau && v["insecure-dev-ptau"]) throw new UsageError("--ptau and --insecure-dev-ptau exclude each other");
  if (typeof v.ptau === "string") return { kind: "file", path: needFile("--ptau", v.ptau), expectedHash: v["ptau-hash"] as string | undefined };
  if (v["insecure-dev-ptau"]) return devPtau(v["dev-ptau-dir"] as string | undefined);
  throw new UsageError("missing --ptau <ceremony file> (or --insecure-dev-ptau for a development-only ceremony, never trusted)");
}

async function modelR1cs(model: string | undefined) {
  if (!model) throw new UsageError("missing <model> (a model folder name or path)");
  const { model: m, build } = await prepareModel(model, { setup: false, circuitOnly: true, log: progress });
  return { m, r1cs: build.r1cs };
}

const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 1)}\n`);
const ptauLabel = (p: SetupInfo["ptau"]) => (p.kind === "dev" ? "dev (INSECURE)" : p.published ? "ceremony" : "custom (not published: never trusted)");

const STEPS: Record<string, (p: string[], v: Record<string, string | boolean | undefined>) => Promise<void>> = {
  async init([model], v) {
    const { r1cs } = await modelR1cs(model);
    if (typeof v.out !== "string") throw new UsageError("missing --out <zkey> (the initial key to write)");
    const r = await initCeremony({ r1csPath: r1cs, ptau: ptauSource(v), out: v.out, log: progress });
    out({ zkey: r.zkeyPath, circuitHash: r.circuitHash, ptau: ptauLabel(r.ptau) });
  },
  async contribute([input], v) {
    if (typeof v.out !== "string") throw new UsageError("missing --out <zkey> (the key with your contribution)");
    const r = await contributeCeremony({ input: needFile("<in.zkey>", input), out: v.out, name: v.name as string | undefined, log: progress });
    progress.info(`contribution #${r.index} done; publish its hash so anyone can find it in the transcript:\n${r.hash}`);
    out({ zkey: v.out, contribution: r.index, name: r.name, hash: r.hash });
  },
  async verify([model, zkey], v) {
    const { r1cs } = await modelR1cs(model);
    const file = needFile("<zkey>", zkey);
    const ptau = await resolvePtau(ptauSource(v), ceremonyCircuit(r1cs).power, progress);
    const t = await verifyTranscript({ zkeyPath: file, r1csPath: r1cs, ptauFile: ptau.file, log: progress });
    // The vkeyHash links this verified transcript to the key a server serves and a verifier was made from.
    const vkeyHash = hashJson(await (await loadSnarkjs()).zKey.exportVerificationKey(file));
    out({ zkey: file, valid: true, vkeyHash, ptau: ptauLabel(ptau.info), contributions: t.contributions.map((c, i) => ({ n: i + 1, ...c })) });
  },
  async finalize([model, zkey], v) {
    const { m, r1cs } = await modelR1cs(model);
    if (typeof v.beacon !== "string") throw new UsageError("missing --beacon <hex> (a public random value fixed after the last contribution)");
    const iterationsExp = v.iterations === undefined ? 10 : Number(v.iterations);
    const s = await finalizeCeremony({
      zkeyPath: needFile("<zkey>", zkey), r1csPath: r1cs, ptau: ptauSource(v), beacon: { hash: v.beacon, iterationsExp }, setupDir: modelSetupDir(m), log: progress,
    });
    if (!s.trusted) progress.info(`installed, but untrusted: ${s.ptau.kind === "dev" ? "the development powers of tau are INSECURE" : "the powers of tau is not a published ceremony file"}`);
    out({ zkey: s.zkeyPath, vkey: s.vkeyPath, vkeyHash: s.vkeyHash, trusted: s.trusted, setup: summarize(s) });
  },
};

export const ceremony: Command = {
  name: "ceremony",
  usage: USAGE,
  options: {
    out: { type: "string" }, name: { type: "string" }, ptau: { type: "string" }, "ptau-hash": { type: "string" },
    "insecure-dev-ptau": { type: "boolean" }, "dev-ptau-dir": { type: "string" }, beacon: { type: "string" }, iterations: { type: "string" },
  },
  async run([step, ...rest], v) {
    const run = step ? STEPS[step] : undefined;
    if (!run) throw new UsageError(`${step ? `unknown step "${step}"` : "missing step"}: one of ${Object.keys(STEPS).join(", ")}\n\n${USAGE}`);
    await run(rest, v);
    return 0;
  },
};
