/** Small clients the gateway tests share: every job through GET /v1/proofs, and a gRPC error check. */
import { expect } from "vitest";
import { status } from "@grpc/grpc-js";
import { json } from "./edge-server.ts";

/** Every job record, newest first, page by page (checking each page's size). */
export async function listAll(url: string, filter = "", limit = 100): Promise<{ requestId: string; [k: string]: unknown }[]> {
  const out: { requestId: string }[] = [];
  let cursor: string | null = null;
  do {
    const r: { status: number; body: { proofs: { requestId: string }[]; nextCursor: string | null } } =
      await json(`${url}/v1/proofs?limit=${limit}${filter}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.proofs.length).toBeLessThanOrEqual(limit);
    out.push(...r.body.proofs);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

/** The call fails with `code`, and (when given) names `field` in its message and error-field metadata. */
export async function expectGrpcError(p: Promise<unknown>, code: status, field?: string) {
  const err = await p.then(
    () => undefined,
    (e: { code: number; details: string; metadata: { get(k: string): unknown[] } }) => e,
  );
  expect(err, "the call should fail").toBeDefined();
  expect(status[err!.code], err!.details).toBe(status[code]);
  if (field) {
    expect(err!.details).toContain(field);
    expect(err!.metadata.get("error-field")).toEqual([field]);
  }
  return err!;
}
