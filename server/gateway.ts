/**
 * The gateway (`npm start`, `zkinfer serve`) on the embedded default. Steps, each one function so later issues
 * add theirs:
 *   1. config: defaults, ZKINFER_CONFIG file, ZKINFER_* environment (server/config)
 *   1b. chain (issue #5): with chain.mode "local" and no chain.rpcUrl, a local Hardhat node with
 *      the contracts deployed (the service then deploys and registers each model's verifier);
 *      with "external" the configured chain; with "off" none
 *   2. the service: SQLite jobs, prover pool; models compiled and set up if missing, in the
 *      background one by one (each one's state on /readyz and GET /v1/models), then settlement
 *   3. the edges: HTTP on http.host:http.port, gRPC on grpc.host:grpc.port, listening at once
 *   4. print where it listens, then a curl that works once the models are loaded; on
 *      SIGINT/SIGTERM close gracefully.
 */
import { createServer } from "node:net";
import { loadConfig, type ServiceConfig, type ServiceConfigInput } from "./config/index.ts";
import { createService, type Service } from "./service/index.ts";
import { modelFolders } from "./service/models.ts";
import type { InferenceService, ModelInfo } from "./core/types.ts";
import { startEdges, type Edges } from "./start-edges.ts";
import { buildWebConsole, webCacheDir } from "./web/index.ts";
import { createLogger, stdoutSink } from "./edge/log.ts";
import { redactedUrl } from "./fleet/url.ts";
import { streamLogger } from "../prover/log-format.ts";
import { exampleInput } from "./example-input.ts";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { compileZkinfer, deployZkinfer } from "../verifier-contracts/contracts.ts";
import { Wallet } from "ethers";

/** What the gateway tells its operator (stderr; stdout carries the request and service logs), in zkinfer's one log format. */
const gatewayLog = streamLogger(process.stderr, { base: { component: "gateway" } });
const say = (text: string) => {
  for (const line of text.split("\n")) gatewayLog.info(line.replace(/^zkinfer: /, ""));
};

/** A request that works against the first served model: a real test digit for digits-mlp, zeros otherwise. */
function exampleCurl(edges: Edges, models: ModelInfo[]): string {
  const m = models.find((x) => x.name === "digits-mlp") ?? models[0];
  if (!m) return "(no model is served)";
  const body = JSON.stringify({ input: exampleInput(m), kind: "int8" });
  return `curl -s '${edges.httpUrl}/v1/models/${m.name}/infer?wait=proof' -H 'content-type: application/json' -d '${body}'`;
}

/**
 * The embedded default chain: a local Hardhat node (dev keys, in memory: gone on exit) with the
 * registry, escrow and oracle deployed by dev account #0, which is also the operator. Returns
 * the config with chain.* filled in (the oracle too, so GET /v1/chain names it), so createService
 * settles against it like any other chain.
 */
export async function startDefaultChain(config: ServiceConfig): Promise<{ config: ServiceConfig; chain?: LocalChain; oracle?: string }> {
  if (config.chain.mode !== "local" || config.chain.rpcUrl !== "") return { config };
  const t0 = Date.now();
  const started = startLocalChain();
  compileZkinfer(); // solc-js, while the node boots
  const chain = await started;
  try {
    const operatorKey = chain.privateKeys[0];
    const d = await deployZkinfer(new Wallet(operatorKey, chain.provider));
    say(`zkinfer: local chain ${chain.rpcUrl} (chain id ${chain.chainId}) up with contracts in ${Date.now() - t0} ms`);
    return {
      config: { ...config, chain: { ...config.chain, rpcUrl: chain.rpcUrl, privateKey: operatorKey, escrow: d.addresses.escrow, oracle: d.addresses.oracle, registerModels: true } },
      chain,
      oracle: d.addresses.oracle,
    };
  } catch (e) {
    await chain.stop();
    throw e;
  }
}

function chainLines(service: Service, local: { chain?: LocalChain; oracle?: string }): string[] {
  const c = service.chain;
  if (!c) return [`zkinfer: settlement off (options.chain.mode ${service.config.chain.mode}); infer refuses escrowRequestId`];
  const lines = [
    `zkinfer: chain ${c.rpcUrl} (chain id ${c.chainId})${local.chain ? ": LOCAL development node (Hardhat, public dev keys, state lost on exit)" : ""}`,
    `zkinfer: contracts: ModelRegistry ${c.registry}, InferenceEscrow ${c.escrow}${local.oracle ? `, ProvenOracle ${local.oracle}` : ""}; operator ${c.operator}`,
  ];
  const ch = service.config.chain;
  const eth = ch.minPriceWei === null ? "ETH not accepted" : `at least ${ch.minPriceWei} wei`;
  lines.push(`zkinfer: paid requests: operator ${c.operator}, ${eth}${ch.tokens.length ? ` or ${ch.tokens.length} ERC-20 token(s)` : ""}, deadline at least ${ch.minDeadlineSeconds} s ahead of the chain (per model: GET /v1/models/{id}/price)`);
  if (local.chain) lines.push(`zkinfer: pay per proof: open a request with InferenceEscrow.openRequest on those terms (e.g. as dev account #1, key ${local.chain.privateKeys[1]}), then add "escrowRequestId" to the infer body`);
  return lines;
}

function banner(config: ServiceConfig, service: Service, edges: Edges, local: { chain?: LocalChain; oracle?: string }): void {
  const models = service.modelStates();
  say([
    `zkinfer: ${models.length} model(s), loading in the background (states on /readyz and GET /v1/models): ${models.map((m) => m.name).join(", ")}`,
    config.queue
      ? `zkinfer: jobs in ${config.dbPath}; proofs by the prover fleet on ${redactedUrl(config.queue)} (queue ${config.queueName}: start nodes with zkinfer prover --queue <url> --gateway ${edges.httpUrl}); API keys ${config.apiKeys.length ? "on" : "off"}`
      : `zkinfer: jobs in ${config.dbPath}; ${config.poolThreads} prover thread(s); API keys ${config.apiKeys.length ? "on" : "off"}`,
    `zkinfer: gRPC listening on ${edges.grpcAddress} (zkinfer.v1.Inference, server/grpc/zkinfer.proto)`,
    `zkinfer: HTTP listening on ${edges.httpUrl} (OpenAPI: ${edges.httpUrl}/openapi.json, metrics: ${edges.httpUrl}/metrics)`,
  ].join("\n"));
}

/** Once loading is over: what is served, what failed and why, and (one write) a curl that works. */
function readyLines(service: Service, edges: Edges, local: { chain?: LocalChain; oracle?: string }): string {
  const states = service.modelStates();
  const ready = service.listModels();
  const failed = states.filter((m) => m.state === "failed");
  return [
    `zkinfer: ${ready.length} model(s) ready: ${ready.map((m) => `${m.name} (${m.constraints} constraints)`).join(", ") || "none"}`,
    ...failed.map((m) => `zkinfer: model ${m.name} failed: ${m.reason}`),
    // Settlement starts after the models (it registers their verifiers).
    ...chainLines(service, local),
    ...(ready.length ? [`zkinfer: try\n  ${exampleCurl(edges, ready)}`] : []),
  ].join("\n");
}

/**
 * Fails fast, before the minutes a first model setup may take, when a port is taken. The edges
 * check again when they really listen (another process may take the port in between).
 */
async function assertPortFree(host: string, port: number, option: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `${host}:${port} is already in use; choose another port with the ${option} option` : `cannot listen on ${host}:${port} (${option}): ${e.message}`)));
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

/** Resolves when the process is asked to stop; a second signal exits at once. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    let asked = false;
    const on = (sig: string) => {
      if (asked) process.exit(130);
      asked = true;
      resolve(sig);
    };
    process.on("SIGINT", () => on("SIGINT"));
    process.on("SIGTERM", () => on("SIGTERM"));
  });
}

/** Runs the gateway until SIGINT/SIGTERM; overrides (the CLI's flags) win over file and environment. */
export async function runGateway(overrides: ServiceConfigInput = {}, o: { appendModelDirs?: boolean } = {}): Promise<number> {
  let loaded = loadConfig({ overrides });
  if (o.appendModelDirs && overrides.modelDirs) {
    const base = loadConfig();
    loaded = { ...loaded, modelDirs: [...base.modelDirs, ...overrides.modelDirs] };
  }
  // A --models path that is not a model folder fails here, before the chain or any setup.
  modelFolders(loaded);
  await assertPortFree(loaded.http.host, loaded.http.port, "http.port (ZKINFER_HTTP_PORT)");
  await assertPortFree(loaded.grpc.host, loaded.grpc.port, "grpc.port (ZKINFER_GRPC_PORT)");
  const local = await startDefaultChain(loaded);
  const config = local.config;
  // The service's log lines in the edges' format, so stdout is one format throughout.
  const log = createLogger(stdoutSink, { component: "service" });
  let service: Service;
  let edges: Edges;
  try {
    service = await createService(config, { background: true, logger: log });
  } catch (e) {
    await local.chain?.stop();
    throw e;
  }
  try {
    edges = await startEdges(service, config);
  } catch (e) {
    await service.close();
    await local.chain?.stop();
    throw e;
  }
  banner(config, service, edges, local);
  // The web console (GET /) is built now, not on the first visit; a second start finds it cached.
  void buildWebConsole(webCacheDir()).then(
    (w) => say(`zkinfer: web console ${w.built ? "built" : "cached"}: ${edges.httpUrl}/`),
    (e: unknown) => log.error("web console build failed (GET / will retry)", { error: String(e) }),
  );
  void service.loaded.then(() => say(readyLines(service, edges, local)));
  const sig = await untilSignal();
  say(`zkinfer: ${sig}: closing (in-flight proofs finish or are re-queued for the next start) ...`);
  await edges.close();
  await service.close();
  await local.chain?.stop();
  say("zkinfer: closed");
  return 0;
}

