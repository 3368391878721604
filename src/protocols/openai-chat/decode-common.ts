/**
 * Shared plumbing for decoding an OpenAI Chat Completions request into the IR:
 * errors that name the field the way validate.ts does (`messages[2].content[0].image_url`),
 * and the bookkeeping that keeps fields without an IR home in `extensions`
 * under that same path instead of dropping them.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { CacheControl } from "../../ir/request.js";

export type Path = ReadonlyArray<string | number>;

/** `["messages", 2, "content", 0]` → `messages[2].content[0]` (validate.ts's `param` form). */
export function paramOf(path: Path): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out.length === 0 ? part : `.${part}`;
  }
  return out;
}

export function invalid(path: Path, detail: string): OvertError {
  const param = paramOf(path);
  return new OvertError(
    "OVT_ERR_REQ_INVALID_FIELD",
    { detail: path.length <= 1 ? detail : `${detail} (at ${param})` },
    { param: param || null },
  );
}

export function missing(path: Path): OvertError {
  const param = paramOf(path);
  return new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param }, { param });
}

/** A valid OpenAI field the IR has no form for: refused, never dropped. */
export function unsupported(path: Path, feature: string, detail: string): OvertError {
  const param = paramOf(path);
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param: param || null });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Present and not null (OpenAI treats an explicit null as "not set"). */
export function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

export function stringAt(source: Record<string, unknown>, key: string, path: Path): string {
  const value = source[key];
  if (value === undefined || value === null) throw missing([...path, key]);
  if (typeof value !== "string") throw invalid([...path, key], `${key} must be a string`);
  return value;
}

/**
 * Records every own key of `source` not in `known` (and not null) into
 * `extensions` under its path (`messages[0].name`); top-level keys keep their
 * bare name.
 */
export function collectUnknown(
  source: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: Path,
  extensions: Record<string, unknown>,
): void {
  for (const [key, value] of Object.entries(source)) {
    if (known.has(key) || !isSet(value)) continue; // null is OpenAI's "not set"
    extensions[paramOf([...path, key])] = value;
  }
}

/**
 * `cache_control` as OpenRouter and Anthropic-compatible OpenAI clients put it on
 * content parts and tools (`{"type":"ephemeral","ttl":"1h"}`); OpenAI itself has
 * no such field.
 */
export function cacheControlOf(source: Record<string, unknown>, path: Path): { cacheControl?: CacheControl } {
  const raw = source.cache_control;
  if (!isSet(raw)) return {};
  const at = [...path, "cache_control"];
  if (!isRecord(raw) || raw.type !== "ephemeral") throw invalid(at, "cache_control.type must be 'ephemeral'");
  if (isSet(raw.ttl) && typeof raw.ttl !== "string") throw invalid([...at, "ttl"], "ttl must be a string");
  return {
    cacheControl: typeof raw.ttl === "string" ? { type: "ephemeral", ttl: raw.ttl } : { type: "ephemeral" },
  };
}
