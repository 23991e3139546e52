/**
 * Compiles Solidity sources with the npm `solc` package (solc-js, a WebAssembly build bundled in
 * node_modules) through the standard JSON interface.
 *
 * Why not Hardhat's compile task: it downloads a native compiler at run time, and the machines
 * this runs on only reach the npm registry. solc-js is slower than native solc but needs nothing
 * beyond node_modules. It is slow for the zkinfer contracts (several seconds, in every process
 * that deploys them: tests, servers, CLI runs), so a successful output is kept on disk under
 * the data directory (build/solc in a clone), keyed by the sha256 of the compiler version and the whole JSON input: the same
 * input to the same compiler gives the same output, so a hit is what solc would return.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { defaultPaths } from "../prover/paths.ts";
import { VerifierContractsError } from "./errors.ts";

// In the data directory (prover/paths.ts): build/solc in a clone, .zkinfer/solc in a project.
const CACHE_DIR = defaultPaths().solcCacheDir;

export interface CompileOptions {
  /** Optimizer `runs` (default 200). The optimizer is always on: verifiers are called often. */
  optimizerRuns?: number;
  /**
   * EVM version to target. Default "cancun": Hardhat 2.29 runs the newer "osaka" hardfork, which
   * executes cancun code; older targets ("paris", "shanghai") also work.
   */
  evmVersion?: string;
}

export interface CompiledContract {
  /** ABI as the JSON array solc emits (ethers accepts it as is). */
  abi: unknown[];
  /** Creation bytecode, 0x-prefixed. */
  bytecode: string;
}

interface SolcMessage {
  severity: "error" | "warning" | "info";
  formattedMessage?: string;
  message: string;
}

interface SolcOutput {
  errors?: SolcMessage[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

interface SolcModule {
  compile(input: string): string;
  version(): string;
}

// solc is CommonJS and loads a 9 MB soljson.js on require: load lazily, once.
let solcModule: SolcModule | undefined;
function loadSolc(): SolcModule {
  solcModule ??= createRequire(import.meta.url)("solc") as SolcModule;
  return solcModule;
}

/** solc's output for `input` (standard JSON), from the disk cache when this compiler made it before. */
function compileJson(input: string): string {
  // The package version names the bundled soljson, without loading its 9 MB.
  const version = (createRequire(import.meta.url)("solc/package.json") as { version: string }).version;
  const file = path.join(CACHE_DIR, `${createHash("sha256").update(`solc-js ${version}\0${input}`).digest("hex")}.json`);
  try {
    const cached = readFileSync(file, "utf8");
    JSON.parse(cached);
    return cached;
  } catch {
    // Not cached, or unreadable: compile.
  }
  const output = loadSolc().compile(input);
  if (!(JSON.parse(output) as SolcOutput).errors?.some((e) => e.severity === "error")) {
    try {
      // Written under a temporary name and renamed: a reader never sees half a file.
      mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, output);
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs the next process a compile.
    }
  }
  return output;
}

/** The solc-js version string, e.g. "0.8.30+commit.73712a01.Emscripten.clang". */
export function solcVersion(): string {
  return loadSolc().version();
}

/**
 * Compiles `sources` (file name → Solidity text) and returns every contract, keyed by its bare
 * name; when two files define the same name the key is "file:Name" for both.
 * Throws VerifierContractsError listing solc's error messages (warnings are ignored).
 */
export function compileSolidity(
  sources: Record<string, string>,
  opts: CompileOptions = {},
): Record<string, CompiledContract> {
  const runs = opts.optimizerRuns ?? 200;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new VerifierContractsError(`compileSolidity: option optimizerRuns must be a positive integer, got ${runs}`);
  }
  if (Object.keys(sources).length === 0) {
    throw new VerifierContractsError("compileSolidity: no sources given");
  }
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([file, content]) => [file, { content }])),
    settings: {
      optimizer: { enabled: true, runs },
      evmVersion: opts.evmVersion ?? "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  // No import callback: sources must be self-contained (snarkjs verifiers are).
  const output = JSON.parse(compileJson(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    const files = Object.keys(sources).join(", ");
    const text = errors.map((e) => (e.formattedMessage ?? e.message).trim()).join("\n");
    throw new VerifierContractsError(`solc failed to compile ${files}:\n${text}`);
  }

  const all: Array<[string, string, CompiledContract]> = [];
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      all.push([file, name, { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object }]);
    }
  }
  const result: Record<string, CompiledContract> = {};
  for (const [file, name, compiled] of all) {
    const clash = all.filter(([, n]) => n === name).length > 1;
    result[clash ? `${file}:${name}` : name] = compiled;
  }
  return result;
}
