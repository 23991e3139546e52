/** `npm start`: the gateway (server/gateway.ts) configured by defaults, ZKINFER_CONFIG and ZKINFER_* variables. */
import { runGateway } from "./gateway.ts";
import { streamLogger } from "../prover/log-format.ts";

runGateway().then(
  (code) => process.exit(code),
  (e: unknown) => {
    streamLogger(process.stderr, { base: { component: "gateway" } }).error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
