/**
 * Validation plumbing for the Gemini API codec. Field paths are written the way
 * Google's own errors name them (`contents[0].parts[1].inlineData`), for
 * `param` and for `extensions` keys alike.
 *
 * The Gemini REST API parses requests as proto3 JSON, which accepts every field
 * under its lowerCamel JSON name (`systemInstruction`, what @google/genai sends)
 * and under its proto name (`system_instruction`, what Google's curl samples
 * use). `field()` reads either spelling and refuses a body that sends both.
 */
import { OvertError } from "../../errors/overt-error.js";

export type Path = ReadonlyArray<string | number>;

/** `["contents", 2, "parts", 0]` → `contents[2].parts[0]`. */
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
    { detail: param ? `Invalid value at '${param}': ${detail}` : detail },
    { param: param || null },
  );
}

export function missing(path: Path): OvertError {
  const param = paramOf(path);
  return new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param }, { param });
}

/** A valid Gemini field the translation has nowhere to put: refused, never dropped. */
export function unsupported(path: Path, feature: string, detail: string): OvertError {
  const param = paramOf(path);
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param: param || null });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `systemInstruction` → `system_instruction`. */
export function snakeOf(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Both spellings of each name, for the known-key sets of `collectUnknown`. */
export function known(...names: string[]): ReadonlySet<string> {
  return new Set(names.flatMap((n) => [n, snakeOf(n)]));
}

/**
 * The value of `name` (lowerCamel) in `source` under either spelling, with the
 * path that names it as the client spelled it; `null` counts as absent
 * (proto3 JSON reads null as the default value).
 */
export function field(
  source: Record<string, unknown>,
  name: string,
  at: Path,
): { value: unknown; path: Path } {
  const snake = snakeOf(name);
  const camel = source[name];
  const other = snake === name ? undefined : source[snake];
  const hasCamel = camel !== undefined && camel !== null;
  const hasSnake = other !== undefined && other !== null;
  if (hasCamel && hasSnake) throw invalid([...at, snake], `'${name}' and '${snake}' are the same field`);
  return hasSnake ? { value: other, path: [...at, snake] } : { value: camel, path: [...at, name] };
}

/**
 * Records every own key of `source` not in `names` into `extensions` under its
 * path (top-level keys keep their bare name), so nothing is dropped unseen.
 */
export function collectUnknown(
  source: Record<string, unknown>,
  names: ReadonlySet<string>,
  at: Path,
  extensions: Record<string, unknown>,
): void {
  for (const [key, value] of Object.entries(source)) {
    if (names.has(key) || value === undefined || value === null) continue;
    extensions[paramOf([...at, key])] = value;
  }
}

// ---------------------------------------------------------------- typed readers

export function asRecord(value: unknown, path: Path): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(path, "must be an object");
  return value;
}

export function asArray(value: unknown, path: Path): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, "must be an array");
  return value;
}

export function asString(value: unknown, path: Path): string {
  if (typeof value !== "string") throw invalid(path, "must be a string");
  return value;
}

export function asNonEmpty(value: unknown, path: Path): string {
  if (value === undefined || value === null) throw missing(path);
  const s = asString(value, path);
  if (s.length === 0) throw invalid(path, "must not be empty");
  return s;
}

export function asBoolean(value: unknown, path: Path): boolean {
  if (typeof value !== "boolean") throw invalid(path, "must be a boolean");
  return value;
}

/**
 * A number in [min, max]. Proto3 JSON also writes 64-bit integers as decimal
 * strings, so an all-digits string is read as its number when `integer`.
 */
export function asNumber(value: unknown, path: Path, min: number, max: number, integer = false): number {
  const n = integer && typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  const range = `${integer ? "an integer" : "a number"} ${min}–${max}`;
  if (typeof n !== "number" || !Number.isFinite(n)) throw invalid(path, `must be ${range}`);
  if ((integer && !Number.isInteger(n)) || n < min || n > max) throw invalid(path, `must be ${range}`);
  return n;
}

export function asStrings(value: unknown, path: Path): string[] {
  return asArray(value, path).map((v, i) => asString(v, [...path, i]));
}

/** An optional field: undefined when absent, else read with `read`. */
export function optional<T>(
  entry: { value: unknown; path: Path },
  read: (value: unknown, path: Path) => T,
): T | undefined {
  return entry.value === undefined || entry.value === null ? undefined : read(entry.value, entry.path);
}
