/** `zkinfer serve`: the HTTP/gRPC gateway of `npm start`, serving more model folders besides the examples. */
import path from "node:path";
import { UsageError, type Command } from "./args.ts";

export const serve: Command = {
  name: "serve",
  usage: `usage: zkinfer serve [--models <dir>]... [--port <n>] [--grpc-port <n>] [--host <addr>] [--queue redis://host:port]

  Starts the gateway of npm start (configured by ZKINFER_CONFIG and the ZKINFER_* variables as
  well; the flags win). It listens at once and loads the models in the background one by one;
  /readyz and GET /v1/models show each model's state (building, ready, failed with the reason).

  --models      a model folder (with manifest.json, e.g. written by zkinfer import) or a folder of
                such folders; repeatable. Served besides the examples (ZKINFER_MODEL_DIRS, the
                config's modelDirs). Models are addressed by name, sha256 id or IPFS CID.
  --port        HTTP port (default 8080)
  --grpc-port   gRPC port (default 50051)
  --host        address the edges listen on (default 127.0.0.1)
  --queue       fleet mode: proofs go to prover nodes (zkinfer prover) through BullMQ on this
                Redis (ZKINFER_QUEUE, the config's queue); default: the in-process pool`,
  options: {
    models: { type: "string", multiple: true },
    port: { type: "string" },
    "grpc-port": { type: "string" },
    host: { type: "string" },
    queue: { type: "string" },
  },
  async run(positionals, values) {
    if (positionals.length) throw new UsageError(`serve takes no positional arguments (got ${positionals.join(" ")}); give model folders with --models`);
    const port = (flag: string): number | undefined => {
      const v = values[flag] as string | undefined;
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--${flag} must be a port number 0..65535 (got ${JSON.stringify(v)})`);
      return Number(v);
    };
    const dirs = ((values.models as unknown as string[] | undefined) ?? []).map((d) => path.resolve(d));
    const http = port("port"), grpc = port("grpc-port"), host = values.host as string | undefined;
    const queue = values.queue as string | undefined;
    const { runGateway } = await import("../server/gateway.ts");
    const { ConfigError } = await import("../server/config/index.ts");
    try {
      // The flag's folders add to those of the config and environment.
      return await runGateway({
        ...(dirs.length ? { modelDirs: dirs } : {}),
        ...(queue !== undefined ? { queue } : {}),
        http: { ...(http !== undefined ? { port: http } : {}), ...(host ? { host } : {}) },
        grpc: { ...(grpc !== undefined ? { port: grpc } : {}), ...(host ? { host } : {}) },
      }, { appendModelDirs: true });
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message);
      throw e;
    }
  },
};
