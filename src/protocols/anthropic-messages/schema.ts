/**
 * Shared validation plumbing for the Anthropic Messages codec: zod parsing that
 * turns the first issue into an OvertError naming the field the way Anthropic's
 * own errors do (`messages.0.content.1.source`), and the bookkeeping that sends
 * fields without an IR home to `extensions` under their dotted path instead of
 * dropping them.
 */
import type { z } from "zod";
import { OvertError } from "../../errors/overt-error.js";

export type Path = ReadonlyArray<string | number>;

export const dotted = (path: Path): string => path.map(String).join(".");

export function invalid(path: Path, detail: string): OvertError {
  const param = dotted(path);
  return new OvertError(
    "OVT_ERR_REQ_INVALID_FIELD",
    { detail: param ? `${param}: ${detail}` : detail },
    { param: param || null },
  );
}

export function missing(path: Path): OvertError {
  const param = dotted(path);
  return new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param }, { param });
}

/** A valid Anthropic field the translation has nowhere to put: refused, never dropped. */
export function unsupported(path: Path, feature: string, detail: string): OvertError {
  const param = dotted(path);
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param: param || null });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Parses `value` (found at `at`) with `schema`; throws the first issue as an OvertError. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, at: Path): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw invalid(at, "invalid value");
  const path = [...at, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  if (issue.code === "invalid_type" && issue.path.length > 0 && valueAt(value, issue.path) === undefined) {
    throw missing(path);
  }
  throw invalid(path, issue.message);
}

/**
 * Records every own key of `source` not in `known` into `extensions` under its
 * dotted path (top-level keys keep their bare name).
 */
export function collectUnknown(
  source: Record<string, unknown>,
  known: ReadonlySet<string>,
  at: Path,
  extensions: Record<string, unknown>,
): void {
  for (const [key, value] of Object.entries(source)) {
    if (known.has(key) || value === undefined) continue;
    extensions[dotted([...at, key])] = value;
  }
}
