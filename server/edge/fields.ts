/**
 * The service names fields as its InferInput has them (`input.values[3]`); each edge names
 * them as its own request does (HTTP body `input[3]`, gRPC `values[3]`).
 */
import { ServiceError } from "../core/types.ts";

export function renameField(err: unknown, from: string, to: string): unknown {
  if (!(err instanceof ServiceError) || !err.field?.startsWith(from)) return err;
  const field = to + err.field.slice(from.length);
  return new ServiceError(err.code, err.message.split(from).join(to), field, err.retryAfterSeconds);
}
