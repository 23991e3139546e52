/** The zkinfer command: cli/run.ts's main on the process arguments (tests call main in-process). */
import { main } from "./run.ts";

process.exitCode = await main(process.argv.slice(2));
