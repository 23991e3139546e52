#!/usr/bin/env node
// The zkinfer CLI, run from its TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
