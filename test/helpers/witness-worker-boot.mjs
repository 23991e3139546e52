// Worker threads do not inherit the tsx loader of the parent (vitest), so register it here.
import { register } from "tsx/esm/api";

register();
await import("./witness-worker.ts");
