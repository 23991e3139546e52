// Worker entry point: worker threads do not inherit the tsx loader of the parent
// (under tsx or vitest), so register it here before loading the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
