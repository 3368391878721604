/**
 * The one JSON parser of request bodies (catalogue B1, B3, B8, B11): parse once,
 * reject a BOM, report the failing position without echoing the input (V8's
 * messages quote the body, which may hold secrets), bound nesting depth with an
 * iterative walk, and drop `__proto__` keys. Duplicate keys resolve to the last
 * value and every consumer — billing, routing, the upstream body — reads this
 * one parsed object, so they cannot disagree.
 */
import { OvertError } from "../errors/overt-error.js";

export const MAX_JSON_DEPTH = 64;

function positionOf(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (/end of (JSON )?input/i.test(message)) return "unexpected end of input";
  const position = /position (\d+)/.exec(message);
  return position ? `unexpected input at position ${position[1]}` : "malformed JSON";
}

export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) throw new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: "the body is empty" });
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    throw new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: "the body starts with a byte-order mark" });
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: positionOf(error) });
  }
  sanitise(value);
  return value;
}

/** Iterative depth check and `__proto__` removal; no recursion, so no stack overflow on hostile input. */
function sanitise(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth > MAX_JSON_DEPTH) throw new OvertError("OVT_ERR_REQ_TOO_DEEP", { max: MAX_JSON_DEPTH });
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === "object" && item !== null) stack.push([item, depth + 1]);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (Object.hasOwn(record, "__proto__")) Reflect.deleteProperty(record, "__proto__");
    for (const key in record) {
      const child = record[key];
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
}
