// Child-process entry for verifier-contracts/local-chain.ts: runs `hardhat node` in this process
// and exits as soon as the parent goes away.
//
// Why a wrapper: a parent killed with SIGKILL (or a crashed test worker) runs no exit handler,
// so it cannot kill its children. The parent holds the write end of our stdin pipe; the OS
// closes it when the parent dies for any reason, and we exit on that end-of-file.
"use strict";

const bootstrap = require.resolve("hardhat/internal/cli/bootstrap.js");

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();

// Hardhat's CLI reads its arguments from process.argv.slice(2): present them as if it had been
// started directly (`node bootstrap.js node --config ... --port ...`).
process.argv = [process.argv[0], bootstrap, ...process.argv.slice(2)];
require(bootstrap);
