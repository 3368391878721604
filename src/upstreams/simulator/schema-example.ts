/**
 * Builds a deterministic example value from a JSON Schema: the simulator's
 * tool-call arguments and json_schema answers. Objects get their `required`
 * properties (all properties when `strict`-style schemas list them all);
 * strings are "example" unless an enum, const, default or format says otherwise.
 */
import { isRecord } from "./request.js";

const MAX_DEPTH = 8;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function toJson(value: unknown): Json {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : 0;
  if (Array.isArray(value)) return value.map(toJson);
  if (isRecord(value)) {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return null;
}

function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith("#/")) return {};
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isRecord(node) || !Object.hasOwn(node, key)) return {};
    node = node[key];
  }
  return node;
}

function stringExample(schema: Record<string, unknown>): string {
  switch (schema["format"]) {
    case "date":
      return "2024-01-01";
    case "date-time":
      return "2024-01-01T00:00:00Z";
    case "email":
      return "user@example.com";
    case "uri":
    case "url":
      return "https://example.com";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
    default: {
      const min = typeof schema["minLength"] === "number" ? schema["minLength"] : 0;
      return "example".padEnd(min, "e");
    }
  }
}

function numberExample(schema: Record<string, unknown>, integer: boolean): number {
  const min = schema["minimum"] ?? schema["exclusiveMinimum"];
  if (typeof min === "number")
    return integer ? Math.ceil(min) + (schema["exclusiveMinimum"] === min ? 1 : 0) : min + 1;
  return integer ? 1 : 1.5;
}

function build(schema: unknown, root: unknown, depth: number): Json {
  if (!isRecord(schema) || depth > MAX_DEPTH) return null;
  if (typeof schema["$ref"] === "string") return build(resolveRef(schema["$ref"], root), root, depth + 1);
  if (Object.hasOwn(schema, "const")) return toJson(schema["const"]);
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return toJson(schema["enum"][0]);
  if (Object.hasOwn(schema, "default")) return toJson(schema["default"]);
  for (const combinator of ["anyOf", "oneOf", "allOf"]) {
    const options = schema[combinator];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.find((o) => !(isRecord(o) && o["type"] === "null")) ?? options[0];
      return build(usable, root, depth + 1);
    }
  }
  let type = schema["type"];
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? "null";
  if (type === undefined && isRecord(schema["properties"])) type = "object";
  switch (type) {
    case "string":
      return stringExample(schema);
    case "integer":
      return numberExample(schema, true);
    case "number":
      return numberExample(schema, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const count = typeof schema["minItems"] === "number" ? Math.min(Math.max(schema["minItems"], 1), 8) : 1;
      return Array.from({ length: count }, () =>
        build(schema["items"] ?? { type: "string" }, root, depth + 1),
      );
    }
    case "object": {
      const properties = isRecord(schema["properties"]) ? schema["properties"] : {};
      const required = Array.isArray(schema["required"]) ? schema["required"] : [];
      const out: { [key: string]: Json } = {};
      for (const name of required) {
        if (typeof name !== "string") continue;
        out[name] = build(properties[name] ?? { type: "string" }, root, depth + 1);
      }
      return out;
    }
    default:
      return "example";
  }
}

/** A JSON value satisfying the simple constraints of `schema`. */
export function exampleFromSchema(schema: unknown): Json {
  return build(schema, schema, 0);
}
