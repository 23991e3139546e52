/**
 * Loads server/grpc/zkinfer.proto (package zkinfer.v1) for the server and for clients.
 * Fields are camelCase in JavaScript, enums are their names, int64s are numbers.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

export const PROTO_PATH = fileURLToPath(new URL("./zkinfer.proto", import.meta.url));

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

/** The Inference service's constructor (a client class) and its service definition. */
export function loadInference(): grpc.ServiceClientConstructor {
  const def = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as unknown as { zkinfer: { v1: { Inference: grpc.ServiceClientConstructor } } };
  return pkg.zkinfer.v1.Inference;
}
