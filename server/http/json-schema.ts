/**
 * A small subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) and its validator. Route
 * schemas are written once in this form; the same object validates requests and is copied
 * into /openapi.json. The validator reports the first fault with the field's path
 * (`input[3]`, `publicSignals[0]`), so every 400 names the field.
 */
import { ServiceError } from "../core/types.ts";

export interface Schema {
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
  examples?: unknown[];
  /** A reference into components.schemas, e.g. "#/components/schemas/Model"; documentation only. */
  $ref?: string;
}

const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const join = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Throws INVALID_ARGUMENT naming the first field that does not match `schema`. */
export function validate(value: unknown, schema: Schema, path: string): void {
  const fail = (message: string): never => {
    throw new ServiceError("INVALID_ARGUMENT", `${path || "body"}: ${message}`, path || "body");
  };
  if (schema.$ref && !schema.type) return;
  switch (schema.type) {
    case "object": {
      if (typeName(value) !== "object") fail(`expected an object, got ${typeName(value)}`);
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) {
        if (obj[r] === undefined) throw new ServiceError("INVALID_ARGUMENT", `${join(path, r)}: required field is missing`, join(path, r));
      }
      for (const [k, v] of Object.entries(obj)) {
        const sub = schema.properties?.[k];
        if (sub) validate(v, sub, join(path, k));
        else if (schema.additionalProperties === false) {
          throw new ServiceError("INVALID_ARGUMENT", `${join(path, k)}: unknown field (expected one of ${Object.keys(schema.properties ?? {}).join(", ")})`, join(path, k));
        } else if (typeof schema.additionalProperties === "object") validate(v, schema.additionalProperties, join(path, k));
      }
      break;
    }
    case "array": {
      if (!Array.isArray(value)) fail(`expected an array, got ${typeName(value)}`);
      const arr = value as unknown[];
      if (schema.minItems !== undefined && arr.length < schema.minItems) fail(`expected at least ${schema.minItems} items, got ${arr.length}`);
      if (schema.maxItems !== undefined && arr.length > schema.maxItems) fail(`expected at most ${schema.maxItems} items, got ${arr.length}`);
      if (schema.items) arr.forEach((x, i) => validate(x, schema.items!, join(path, i)));
      break;
    }
    case "string": {
      if (typeof value !== "string") fail(`expected a string, got ${typeName(value)}`);
      const s = value as string;
      if (schema.minLength !== undefined && s.length < schema.minLength) fail(`expected at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && s.length > schema.maxLength) fail(`expected at most ${schema.maxLength} characters`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(s)) fail(`expected a string matching ${schema.pattern}`);
      break;
    }
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) fail(`expected ${schema.type === "integer" ? "an integer" : "a number"}, got ${typeName(value)}`);
      const n = value as number;
      if (schema.type === "integer" && !Number.isInteger(n)) fail(`expected an integer, got ${n}`);
      if (schema.minimum !== undefined && n < schema.minimum) fail(`expected >= ${schema.minimum}, got ${n}`);
      if (schema.maximum !== undefined && n > schema.maximum) fail(`expected <= ${schema.maximum}, got ${n}`);
      break;
    }
    case "boolean":
      if (typeof value !== "boolean") fail(`expected a boolean, got ${typeName(value)}`);
      break;
  }
  if (schema.enum && !schema.enum.includes(value as string | number)) fail(`expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
}

/** Query and path values arrive as strings: convert by the schema's type before validating. */
export function coerce(raw: string, schema: Schema): unknown {
  if (schema.type === "integer" || schema.type === "number") {
    const n = Number(raw);
    return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
  }
  if (schema.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}
