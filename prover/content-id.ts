/**
 * The IPFS content address of a model's integer ONNX: CIDv1, raw codec (0x55), sha2-256
 * multihash, base32 lower ("bafkrei..."). The same bytes as the sha256 model id, so the weights
 * can be pinned and fetched by content address and checked against the model card.
 */
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";

export async function onnxCid(bytes: Uint8Array): Promise<string> {
  return CID.create(1, raw.code, await sha256.digest(bytes)).toString();
}
