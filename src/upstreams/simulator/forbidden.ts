/**
 * Values a simulator must never receive (issue 4: "the upstream simulator
 * asserts it never received a value that policy says must not leave"). A
 * simulator given `forbidden` values answers 451 and marks the hit when any of
 * them arrives in any encoding a JSON body can carry it in: raw, JSON-escaped,
 * escaped twice (inside tool-call arguments), or as \u escapes.
 */
import type { ServerResponse } from "node:http";
import type { SimulatorHit } from "./types.js";

function forms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  const unicode = [...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  return [value, once, twice, unicode, unicode.toUpperCase().replaceAll("\\U", "\\u")];
}

export function containsForbidden(raw: string, values: readonly string[] | undefined): boolean {
  if (!values || values.length === 0) return false;
  return values.some((v) => forms(v).some((f) => f.length > 0 && raw.includes(f)));
}

/** Refuses the request when it carries a forbidden value; true when it did. */
export function refuseForbidden(
  hit: SimulatorHit,
  res: ServerResponse,
  values: readonly string[] | undefined,
): boolean {
  if (!containsForbidden(hit.rawBody, values)) return false;
  hit.forbidden = true;
  res.writeHead(451, { "content-type": "text/plain" });
  res.end("simulator: received a value that policy says must not leave the relay");
  return true;
}
