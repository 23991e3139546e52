/**
 * A private input never leaves in a proof: not in the file `zkinfer prove` writes (which is
 * meant to be handed on), nor in the server's proof records (HTTP GET and server-sent events,
 * gRPC GetProof and WatchProof, infer?wait=proof). The attack: take a proof file or record of a
 * hashed-input model and read the input out of it.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { inputCommitment, outputCommitment } from "../prover/commitment.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { json, readSse, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const scratch = path.join(REPO_ROOT, "build", `private-input-test-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const [digit, other] = testDigits(2);

/** Whether `text` holds the input's values in a row, as any JSON array of them would. */
const leaks = (text: string, x: number[]) => text.replace(/\s+/g, "").includes(x.join(","));


describe("zkinfer prove writes no private input", () => {
  it("digits-mlp (hashed input): the file has the proof, signals, model and output, never the input", async () => {
    expect((await zkinfer("setup", "digits-mlp")).code).toBe(0);
    const out = path.join(scratch, "plain.json");
    const p = await zkinferInProcess("prove", "digits-mlp", "--input", JSON.stringify(digit.pixels), "--out", out);
    expect(p.code, p.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const file = JSON.parse(text);
    expect(Object.keys(file).sort()).toEqual(["inputCommitment", "model", "modelId", "output", "proof", "publicSignals", "visibility"]);
    expect(leaks(text, digit.pixels)).toBe(false);
    expect(file.inputCommitment).toBe((await inputCommitment(digit.pixels)).toString());
    expect((await zkinferInProcess("verify", "digits-mlp", "--proof", out)).stdout.trim()).toBe("valid");
    const refused = await zkinferInProcess("prove", "digits-mlp", "--input", JSON.stringify(digit.pixels), "--input-salt", "5");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--input-salt: model digits-mlp's input is hashed, its commitment takes no salt");
    const noOpening = await zkinferInProcess("prove", "digits-mlp", "--input", JSON.stringify(digit.pixels), "--opening", path.join(scratch, "x.json"));
    expect(noOpening.code).toBe(2);
    expect(noOpening.stderr).toContain("--opening: model digits-mlp has no salted commitment to open");
  }, 120_000);

  it("a salted-input, hashed-output model: the proof file has the commitments, no salt, no input, no output; the opening file opens them", async () => {
    const dir = path.join(scratch, "salted");
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "model.int8.onnx"), path.join(dir, "model.int8.onnx"));
    const c = await zkinferInProcess("compile", path.join(dir, "model.int8.onnx"), "--name", "digits-salted", "--input", "hashed-salted", "--output", "hashed", "--circuit", path.join(scratch, "digits-salted.circom"), "--check-inputs", "16");
    expect(c.code, c.stderr).toBe(0);
    const s = await zkinferInProcess("setup", dir);
    expect(s.code, s.stderr).toBe(0);
    // Salts exist and there is nowhere private to put them: refused before proving.
    const nowhere = await zkinferInProcess("prove", dir, "--input", JSON.stringify(digit.pixels));
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("--opening: model digits-salted's commitments are salted");
    expect(nowhere.stderr).not.toContain("proving");
    const out = path.join(scratch, "salted.json");
    const p = await zkinferInProcess("prove", dir, "--input", JSON.stringify(digit.pixels), "--input-salt", "123456789", "--out", out);
    expect(p.code, p.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const file = JSON.parse(text);
    // The leak: a salt in the file handed on lets its holder confirm a guessed input or output.
    expect(Object.keys(file).sort()).toEqual(["inputCommitment", "model", "modelId", "outputCommitment", "proof", "publicSignals", "visibility"]);
    expect(text).not.toContain("123456789");
    expect(text).not.toMatch(/Salt"/);
    expect(leaks(text, digit.pixels)).toBe(false);
    expect(file.inputCommitment).toBe((await inputCommitment(digit.pixels, 123456789n)).toString());
    expect(file.publicSignals[0]).toBe(file.inputCommitment);
    // The opening file, beside the proof, owner-only: the salts and the output open the commitments.
    const openingPath = path.join(scratch, "salted.opening.json");
    expect(statSync(openingPath).mode & 0o077).toBe(0);
    const opening = JSON.parse(readFileSync(openingPath, "utf8"));
    expect(opening.inputSalt).toBe("123456789");
    expect(opening.inputCommitment).toBe(file.inputCommitment);
    const shown = JSON.parse(/output: (\[[^\]]*\])/.exec(p.stderr)![1]) as number[];
    expect(opening.output).toEqual(shown);
    expect(file.outputCommitment).toBe((await outputCommitment(opening.output, BigInt(opening.outputSalt))).toString());
    expect(opening.outputCommitment).toBe(file.outputCommitment);
    expect((await zkinferInProcess("verify", dir, "--proof", out)).stdout.trim()).toBe("valid");
    // A file claiming another output commitment (with the proof untouched) is not valid.
    const tampered = path.join(scratch, "tampered.json");
    writeFileSync(tampered, JSON.stringify({ ...file, outputCommitment: (BigInt(file.outputCommitment) + 1n).toString() }));
    const t = await zkinferInProcess("verify", dir, "--proof", tampered);
    expect(t.stdout).toContain("INVALID: outputCommitment: the file says");
    expect(t.code).toBe(1);
    // Without --input-salt a fresh salt: the same input commits differently; --opening names the file.
    const opening2 = path.join(scratch, "mine.json");
    const again = await zkinferInProcess("prove", dir, "--input", JSON.stringify(digit.pixels), "--opening", opening2);
    expect(again.code, again.stderr).toBe(0);
    const f2 = JSON.parse(again.stdout);
    const o2 = JSON.parse(readFileSync(opening2, "utf8"));
    expect(again.stdout).not.toContain(o2.inputSalt);
    expect(o2.inputSalt).not.toBe(opening.inputSalt);
    expect(f2.inputCommitment).not.toBe(file.inputCommitment);
    expect(f2.inputCommitment).toBe((await inputCommitment(digit.pixels, BigInt(o2.inputSalt))).toString());
    const bad = await zkinferInProcess("prove", dir, "--input", JSON.stringify(digit.pixels), "--input-salt", "0x10", "--out", out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--input-salt: expected a decimal field element");
    const same = await zkinferInProcess("prove", dir, "--input", JSON.stringify(digit.pixels), "--out", out, "--opening", out);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("is the proof file (--out); the salts must stay out of the proof");
  }, 300_000);
});

describe("the server's proof records carry no input", () => {
  let s: TestServer;
  let g: GrpcClient;
  beforeAll(async () => {
    s = await startTestServer();
    g = grpcClient(s.edges.grpcAddress);
  }, 120_000);
  afterAll(async () => {
    g?.close();
    await s?.close();
  });

  it("infer?wait=proof, GET /v1/proofs, its events, gRPC Infer, GetProof and WatchProof", async () => {
    const r = await json(`${s.url}/v1/models/digits-mlp/infer?wait=proof&timeout=60000`, { method: "POST", body: { input: digit.pixels } });
    expect(r.body.proof.status).toBe("proved");
    const texts = [JSON.stringify(r.body)];
    const rec = await json(`${s.url}/v1/proofs/${r.body.requestId}`);
    expect(rec.body.input).toBeUndefined();
    texts.push(JSON.stringify(rec.body));
    texts.push(JSON.stringify(await readSse(`${s.url}/v1/proofs/${r.body.requestId}/events`)));
    const gi = await g.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_INT8", values: other.pixels, waitForProof: true, timeoutMs: 60_000 }, { deadlineMs: 90_000 });
    expect(gi.proof.status).toBe("PROOF_STATUS_PROVED");
    const gr = await g.unary("getProof", { requestId: gi.requestId });
    const watched: unknown[] = [];
    for await (const m of g.watch(gi.requestId)) watched.push(m);
    for (const t of texts) expect(leaks(t, digit.pixels), t.slice(0, 200)).toBe(false);
    for (const t of [gi, gr, watched].map((v) => JSON.stringify(v))) expect(leaks(t, other.pixels), t.slice(0, 200)).toBe(false);
    expect(gr).not.toHaveProperty("input");
  }, 120_000);
});
