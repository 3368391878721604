/**
 * Shared plumbing for decoding a Responses API request into the IR: errors that
 * name the field as OpenAI's `param` does (`input[2].content[0].image_url`),
 * and the bookkeeping that keeps fields without an IR home in `extensions`
 * under that same path instead of dropping them. The field-path and error helpers
 * are the Chat Completions codec's (same OpenAI `param` conventions).
 */
import { invalid, isSet, type Path } from "../openai-chat/decode-common.js";

export {
  collectUnknown,
  invalid,
  isRecord,
  isSet,
  missing,
  type Path,
  paramOf,
  stringAt,
  unsupported,
} from "../openai-chat/decode-common.js";

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
