/**
 * A model compiled with a nonce, end to end: `zkinfer compile --nonce` writes its layout (and its
 * own model id), the server proves the nonce a client gives (HTTP and gRPC), stores it with the
 * job and returns it; a verifier that expects another nonce says invalid (server and CLI); bad
 * nonces are refused naming the field, with no job stored. The CLI commands run in this process
 * (cli/run.ts main), one refusal as a child process (bin/zkinfer.js).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { status } from "@grpc/grpc-js";
import { REPO_ROOT } from "../prover/circom.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { json, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const NAME = "digits-mlp-nonce";
const T = "1767225600";
const digits = testDigits(2);
const modelsDir = path.join(REPO_ROOT, "build", `nonce-models-${process.pid}`);
const dir = path.join(modelsDir, NAME);
let s: TestServer;
let g: GrpcClient;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  copyFileSync(openModelDir("digits-mlp").onnxPath, path.join(dir, "model.int8.onnx"));
  const c = await zkinferInProcess("compile", path.join(dir, "model.int8.onnx"), "--nonce", "--circuit", path.join(dir, "circuit.circom"), "--check-inputs", "8");
  if (c.code !== 0) throw new Error(`zkinfer compile --nonce failed: ${c.stderr}`);
  s = await startTestServer({ modelsDir, models: [NAME] });
  g = grpcClient(s.edges.grpcAddress);
}, 300_000);

afterAll(async () => {
  g?.close();
  await s?.close();
  await terminateSnarkjsCurves();
  rmSync(modelsDir, { recursive: true, force: true });
});

const jobs = () => {
  const st = s.service.stats();
  return st.queued + st.proving + st.proved + st.failed;
};
const infer = (body: unknown) => json(`${s.url}/v1/models/${NAME}/infer?wait=proof&timeout=60000`, { method: "POST", body });

describe("a model compiled with --nonce", () => {
  it("has the nonce last in its manifest's layout and an id of its own", () => {
    const m = openModelDir(dir).manifest;
    expect(m.publicSignals.at(-1)).toBe("nonce");
    expect(m.publicSignals).toHaveLength(12);
    expect(m.modelId).not.toBe(openModelDir("digits-mlp").manifest.modelId);
    expect(readFileSync(path.join(dir, "circuit.circom"), "utf8")).toContain("component main {public [nonce]}");
    // The differential check and the soundness probe ran on it (the nonce is an input, its square pinned).
    expect(m.differentialCheck).toMatchObject({ inputs: expect.any(Number), soundnessProbe: { wires: expect.any(Number) } });
  });

  it("the server proves the client's nonce, returns it and keeps it in the record (HTTP and gRPC)", async () => {
    const h = await infer({ input: digits[0]!.pixels, nonce: T });
    expect(h.status, JSON.stringify(h.body)).toBe(200);
    expect(h.body.nonce).toBe(T);
    expect(h.body.proof.status).toBe("proved");
    const layout = s.service.getModel(NAME).publicSignals;
    const d = decodePublicSignals(h.body.proof.publicSignals, layout);
    expect(d.nonce).toBe(BigInt(T));
    expect(d.output.map(Number)).toEqual(h.body.output);
    expect((await json(`${s.url}/v1/proofs/${h.body.requestId}`)).body.nonce).toBe(T);
    const verify = (nonce?: unknown) => json(`${s.url}/v1/verify`, { method: "POST", body: { model: NAME, proof: h.body.proof.proof, publicSignals: h.body.proof.publicSignals, ...(nonce === undefined ? {} : { nonce }) } });
    expect((await verify()).body).toEqual({ valid: true });
    expect((await verify(Number(T))).body).toEqual({ valid: true });
    expect((await verify("1767225601")).body).toEqual({ valid: false, reason: `nonce: the proof carries ${T}, not the expected 1767225601` });
    const r = await g.unary("infer", { model: NAME, kind: "INPUT_KIND_INT8", values: digits[1]!.pixels, nonce: "42", waitForProof: true, timeoutMs: 60_000 }, { deadlineMs: 90_000 });
    expect(r.nonce).toBe("42");
    expect(r.proof.status).toBe("PROOF_STATUS_PROVED");
    expect(r.proof.publicSignals.at(-1)).toBe("42");
    expect((await g.unary("getProof", { requestId: r.requestId })).nonce).toBe("42");
    const v = await g.unary("verify", { model: NAME, proofJson: r.proof.proofJson, publicSignals: r.proof.publicSignals, nonce: "43" });
    expect(v).toEqual({ valid: false, reason: "nonce: the proof carries 42, not the expected 43" });
  });

  it("an omitted nonce is 0; bad nonces are refused naming the field, and no job is stored", async () => {
    const h = await infer({ input: digits[0]!.pixels });
    expect(h.body.nonce).toBe("0");
    expect(h.body.proof.publicSignals.at(-1)).toBe("0");
    const before = jobs();
    for (const bad of ["18446744073709551616", "-1", "0x10", "1.5", -1, 1.5, 2 ** 64, true, {}]) {
      const r = await json(`${s.url}/v1/models/${NAME}/infer`, { method: "POST", body: { input: digits[1]!.pixels, nonce: bad } });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error, JSON.stringify(bad)).toMatchObject({ code: "INVALID_ARGUMENT", field: "nonce" });
    }
    const e = await g.unary("infer", { model: NAME, values: digits[1]!.pixels, nonce: "x" }).catch((err) => err);
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.metadata.get("error-field")).toEqual(["nonce"]);
    expect(jobs()).toBe(before);
  });

  it("zkinfer prove --nonce writes it into the proof file; zkinfer verify --nonce refuses another one", async () => {
    const out = path.join(modelsDir, "proof.json");
    const input = path.join(modelsDir, "input.json");
    writeFileSync(input, JSON.stringify(digits[0]!.pixels));
    const p = await zkinferInProcess("prove", dir, "--input", input, "--nonce", T, "--out", out);
    expect(p.code, p.stderr).toBe(0);
    const file = JSON.parse(readFileSync(out, "utf8"));
    expect(file.nonce).toBe(T);
    expect(file.publicSignals.at(-1)).toBe(T);
    expect((await zkinferInProcess("verify", dir, "--proof", out, "--nonce", T)).stdout).toBe("valid\n");
    const other = await zkinferInProcess("verify", dir, "--proof", out, "--nonce", "1767225601");
    expect([other.code, other.stdout]).toEqual([1, `INVALID: nonce: the proof carries ${T}, not the expected 1767225601 (--nonce)\n`]);
    // The file's own nonce field must say what the proof does.
    writeFileSync(out, JSON.stringify({ ...file, nonce: "1767225601" }));
    expect((await zkinferInProcess("verify", dir, "--proof", out)).stdout).toBe(`INVALID: nonce: the file says "1767225601", the proof ${T}\n`);
    for (const v of ["--nonce=-3", "--nonce=18446744073709551616", "--nonce=1.5"]) {
      // The first refusal goes through bin/zkinfer.js (the file's one child process).
      const bad = await (v === "--nonce=-3" ? zkinfer : zkinferInProcess)("prove", dir, "--input", input, v);
      expect(bad.code, v).not.toBe(0);
      expect(bad.stderr, v).toContain("--nonce: expected an integer 0 <= nonce < 2^64");
    }
    const plain = await zkinferInProcess("prove", "digits-mlp", "--input", input, "--nonce", T);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toContain("--nonce: model digits-mlp's circuit has no nonce input");
  });
});
