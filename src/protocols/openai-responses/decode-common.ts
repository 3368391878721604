/**
 * Shared plumbing for decoding a Responses API request into the IR: errors that
 * name the field as OpenAI's `param` does (`input[2].content[0].image_url`),
 * and the bookkeeping that keeps fields without an IR home in `extensions`
 * under that same path instead of dropping them. (The same helpers as the Chat
 * Completions codec's: protocol folders do not import each other.)
 */
import { OvertError } from "../../errors/overt-error.js";

export type Path = ReadonlyArray<string | number>;

/** `["input", 2, "content", 0]` → `input[2].content[0]`. */
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

/** A valid Responses field the relay cannot carry: refused, never dropped. */
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
  if (!isSet(value)) throw missing([...path, key]);
  if (typeof value !== "string") throw invalid([...path, key], `${key} must be a string`);
  return value;
}

export function optionalString(source: Record<string, unknown>, key: string, path: Path): string | undefined {
  const value = source[key];
  if (!isSet(value)) return undefined;
  if (typeof value !== "string") throw invalid([...path, key], `${key} must be a string`);
  return value;
}

export function optionalBoolean(
  source: Record<string, unknown>,
  key: string,
  path: Path,
): boolean | undefined {
  const value = source[key];
  if (!isSet(value)) return undefined;
  if (typeof value !== "boolean") throw invalid([...path, key], `${key} must be a boolean`);
  return value;
}

/** A number in [min, max] (an integer when `integer`), or undefined when not set. */
export function optionalNumber(
  source: Record<string, unknown>,
  key: string,
  bounds: { min: number; max: number; integer?: boolean },
): number | undefined {
  const value = source[key];
  if (!isSet(value)) return undefined;
  const kind = bounds.integer ? "an integer" : "a number";
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!bounds.integer || Number.isInteger(value)) &&
    value >= bounds.min &&
    value <= bounds.max;
  if (!ok) throw invalid([key], `${key} must be ${kind} ${bounds.min}–${bounds.max}`);
  return value as number;
}

/**
 * Records every own key of `source` not in `known` (and not null) into
 * `extensions` under its path (`input[0].phase`); top-level keys keep their
 * bare name.
 */
export function collectUnknown(
  source: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: Path,
  extensions: Record<string, unknown>,
): void {
  for (const [key, value] of Object.entries(source)) {
    if (known.has(key) || !isSet(value)) continue;
    extensions[paramOf([...path, key])] = value;
  }
}
