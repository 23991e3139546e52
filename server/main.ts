/** `npm start`: the gateway (server/gateway.ts) configured by defaults, ZKINFER_CONFIG and ZKINFER_* variables. */
import { runGateway } from "./gateway.ts";

runGateway().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`zkinfer: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
