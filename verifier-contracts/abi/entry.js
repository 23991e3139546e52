// The ABIs' entry point for plain Node (bundlers take index.ts through the "browser" condition);
// index.ts is generated (generate.ts), loaded through tsx as api/entry.js does.
import { tsImport } from "tsx/esm/api";

const abi = await tsImport("./index.ts", import.meta.url);

export const { modelRegistryAbi, inferenceEscrowAbi, provenOracleAbi } = abi;
