/**
 * Gemini `Schema` (an OpenAPI 3.0 subset: `type: "OBJECT"`, `nullable: true`,
 * int64 bounds as strings) → JSON Schema, the IR's schema language, for
 * `functionDeclarations[].parameters` and `generationConfig.responseSchema`.
 * (`parametersJsonSchema` / `responseJsonSchema` are JSON Schema already and
 * pass through untouched.)
 *
 * Only what differs is rewritten: `type` is lower-cased (`TYPE_UNSPECIFIED`
 * removed), `nullable: true` becomes a `"null"` member of `type`, numeric
 * strings in count/bound keywords become numbers. Every other keyword
 * (`format`, `enum`, `description`, `propertyOrdering`, `example`, …) is kept
 * verbatim: JSON Schema validators ignore keywords they do not know, so nothing
 * the client wrote is lost.
 */
import { invalid, isRecord, type Path } from "./fields.js";

const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);
const COUNTS = new Set([
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "minimum",
  "maximum",
]);
/** Deeper than any real schema; bounds recursion on hostile input. */
const MAX_DEPTH = 64;

export function jsonSchemaOf(schema: unknown, path: Path, depth = 0): Record<string, unknown> {
  if (!isRecord(schema)) throw invalid(path, "must be a schema object");
  if (depth > MAX_DEPTH) throw invalid(path, `schema nests deeper than ${MAX_DEPTH} levels`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (value === undefined || value === null) continue;
    switch (key) {
      case "type":
        typeOf(value, [...path, key], out);
        break;
      case "nullable":
        break; // applied below, once `type` is known
      case "properties": {
        if (!isRecord(value)) throw invalid([...path, key], "must be an object of schemas");
        const props: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value))
          props[name] = jsonSchemaOf(sub, [...path, key, name], depth + 1);
        out.properties = props;
        break;
      }
      case "items":
        out.items = jsonSchemaOf(value, [...path, key], depth + 1);
        break;
      case "anyOf": {
        if (!Array.isArray(value)) throw invalid([...path, key], "must be an array of schemas");
        out.anyOf = value.map((sub, i) => jsonSchemaOf(sub, [...path, key, i], depth + 1));
        break;
      }
      default:
        out[key] =
          COUNTS.has(key) && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)
            ? Number(value)
            : value;
    }
  }
  if (schema.nullable === true) {
    const t = out.type;
    if (typeof t === "string") out.type = t === "null" ? t : [t, "null"];
    else if (t === undefined) out.nullable = true; // no type to widen: kept as written
  } else if (schema.nullable === false) {
    // the default: nothing to say in JSON Schema
  } else if (schema.nullable !== undefined && schema.nullable !== null) {
    throw invalid([...path, "nullable"], "must be a boolean");
  }
  return out;
}

function typeOf(value: unknown, path: Path, out: Record<string, unknown>): void {
  if (typeof value !== "string") throw invalid(path, "must be a string");
  const t = value.toLowerCase();
  if (t === "type_unspecified") return;
  if (!TYPES.has(t)) throw invalid(path, `unknown schema type '${value}'`);
  out.type = t;
}
