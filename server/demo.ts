/**
 * `npm run demo`: one request's whole life in one process, without the gateway: compile and
 * set up the model (cached after the first run), start a local chain and deploy the model's
 * verifier, serve the output of onnxruntime for test digits, prove it, and verify the proof
 * in JavaScript and on chain.
 */
import { readFileSync } from "node:fs";
import { Wallet } from "ethers";
import { openModelDir } from "../prover/model-dir.ts";
import { prepareModel } from "../prover/prepare-model.ts";
import { proveGroth16, verifyGroth16, decodePublicSignals } from "../prover/prove.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { startLocalChain } from "../verifier-contracts/local-chain.ts";
import { exportGroth16Verifier, deployVerifier, groth16Calldata, callVerifyProof, estimateVerifyGas } from "../verifier-contracts/groth16-verifier.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { argmax } from "../models/lib/mlp.ts";

const log = (m: string) => process.stdout.write(`${m}\n`);
const ms = (t0: number) => `${Date.now() - t0} ms`;

async function main(): Promise<void> {
  const model = openModelDir("digits-mlp");
  log(`model ${model.manifest.name} (${model.manifest.modelId.slice(0, 12)}), ${model.manifest.circuit.constraints} constraints`);
  const { build, setup } = await prepareModel(model, { log: { info: log } });
  const vkey = JSON.parse(readFileSync(setup.vkeyPath, "utf8"));

  log("starting a local chain (Hardhat node on 127.0.0.1) ...");
  const chain = await startLocalChain();
  try {
    const signer = new Wallet(chain.privateKeys[0], chain.provider);
    const verifier = await deployVerifier(signer, await exportGroth16Verifier(setup.zkeyPath));
    log(`chain ${chain.rpcUrl} (id ${chain.chainId}); verifier at ${await verifier.getAddress()}`);
    const onnx = readFileSync(model.onnxPath);
    for (const digit of splitDigits(loadDigits()).test.slice(0, 3)) {
      let t0 = Date.now();
      const served = await runOnnx(onnx, Int8Array.from(digit.pixels));
      log(`\ndigit labelled ${digit.label}: served class ${argmax(served)} in ${ms(t0)} (logits ${served.join(", ")})`);
      t0 = Date.now();
      const { proof, publicSignals } = await proveGroth16(setup.zkeyPath, build.wasm, digit.pixels);
      const proven = decodePublicSignals(publicSignals).output.map(Number);
      log(`  proved in ${ms(t0)}; proven output ${proven.every((v, i) => v === served[i]) ? "==" : "!="} served output`);
      log(`  verified in JavaScript: ${await verifyGroth16(vkey, publicSignals, proof)}`);
      const args = groth16Calldata(proof, publicSignals);
      log(`  verified on chain: ${await callVerifyProof(verifier, args)} (${await estimateVerifyGas(verifier, args)} gas)`);
    }
    log("\nThe same through the HTTP/gRPC gateway: npm start (see README).");
  } finally {
    await chain.stop();
  }
}

try {
  await main();
} finally {
  await terminateSnarkjsCurves();
}
