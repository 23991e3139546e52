/**
 * The one error table of the edges: each ServiceError code maps to one HTTP status and one
 * gRPC status code, here and nowhere else. Both edges turn any thrown value into a
 * ServiceError with `toServiceError` first, so an unexpected exception becomes INTERNAL
 * without leaking its message.
 */
import { status as GrpcStatus } from "@grpc/grpc-js";
import { ServiceError, type ServiceErrorCode } from "../core/types.ts";

export interface ErrorMapping {
  http: number;
  grpc: GrpcStatus;
  /** Send Retry-After (HTTP) / retry-after metadata (gRPC). */
  retry: boolean;
}

export const ERROR_TABLE: Readonly<Record<ServiceErrorCode, ErrorMapping>> = {
  INVALID_ARGUMENT: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, retry: false },
  NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, retry: false },
  PAYMENT_REQUIRED: { http: 402, grpc: GrpcStatus.FAILED_PRECONDITION, retry: false },
  CONFLICT: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, retry: false },
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, retry: false },
  RATE_LIMITED: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retry: true },
  QUEUE_FULL: { http: 503, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retry: true },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GrpcStatus.INVALID_ARGUMENT, retry: false },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT, retry: false },
  DEADLINE_EXCEEDED: { http: 504, grpc: GrpcStatus.DEADLINE_EXCEEDED, retry: false },
  UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE, retry: true },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL, retry: false },
};

/** Retry-After when the thrower gave none: a second is the proving time of a small model. */
const DEFAULT_RETRY_AFTER_S = 1;

export function toServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  // A ServiceError from another copy of the module (tsx and vitest may load two).
  if (err instanceof Error && err.name === "ServiceError" && typeof (err as ServiceError).code === "string" && (err as ServiceError).code in ERROR_TABLE) {
    const e = err as ServiceError;
    return new ServiceError(e.code, e.message, e.field, e.retryAfterSeconds);
  }
  return new ServiceError("INTERNAL", "internal error");
}

export function retryAfterSeconds(err: ServiceError): number | undefined {
  if (!ERROR_TABLE[err.code].retry) return undefined;
  return Math.max(1, Math.ceil(err.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_S));
}

/** The JSON error body of both edges: `{error: {code, message, field}}`. */
export function errorBody(err: ServiceError): { error: { code: ServiceErrorCode; message: string; field?: string } } {
  return { error: { code: err.code, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) } };
}
