/** Versions of the tools an artifact was built with, recorded in manifests and setup files. */
import { createRequire } from "node:module";

const req = createRequire(import.meta.url);
const version = (pkg: string) => {
  try {
    return (req(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
};

export function toolVersions(): Record<string, string> {
  return {
    zkinfer: (req("../package.json") as { version: string }).version,
    circom2: version("circom2"), // npm package version; it ships circom 2.2.3
    circomlib: version("circomlib"),
    snarkjs: version("snarkjs"),
    "onnxruntime-node": version("onnxruntime-node"),
  };
}
