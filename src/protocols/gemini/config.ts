/**
 * Gemini `generationConfig` → IR settings: sampling, limits, response format,
 * thinking (https://ai.google.dev/api/generate-content#generationconfig).
 * Fields without an IR home (`presencePenalty`, `frequencyPenalty`,
 * `mediaResolution`, `speechConfig`, `thinkingLevel`…) go to `extensions`
 * under their path; output modalities other than text are refused.
 */
import type { IrRequest, ResponseFormat, ThinkingConfig } from "../../ir/request.js";
import {
  asBoolean,
  asNumber,
  asRecord,
  asString,
  asStrings,
  collectUnknown,
  field,
  invalid,
  known,
  optional,
  type Path,
  unsupported,
} from "./fields.js";
import { jsonSchemaOf } from "./schema.js";

export const LIMITS = Object.freeze({ maxOutputTokens: 10_000_000, candidates: 8 });

const GENERATION_KEYS = known(
  "temperature",
  "topP",
  "topK",
  "maxOutputTokens",
  "stopSequences",
  "candidateCount",
  "seed",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "thinkingConfig",
  "responseLogprobs",
  "logprobs",
  "responseModalities",
);
const THINKING_KEYS = known("thinkingBudget", "includeThoughts");
type Settings = Pick<
  IrRequest,
  | "temperature"
  | "topP"
  | "topK"
  | "maxOutputTokens"
  | "seed"
  | "n"
  | "responseFormat"
  | "thinking"
  | "logprobs"
  | "topLogprobs"
> & { stop: string[] };

export function decodeGenerationConfig(value: unknown, at: Path, ext: Record<string, unknown>): Settings {
  const raw = asRecord(value, at);
  const get = (name: string) => field(raw, name, at);
  const out: Settings = { stop: optional(get("stopSequences"), asStrings) ?? [] };
  const set = <K extends keyof Settings>(key: K, v: Settings[K] | undefined) => {
    if (v !== undefined) out[key] = v;
  };
  set(
    "temperature",
    optional(get("temperature"), (v, p) => asNumber(v, p, 0, 2)),
  );
  set(
    "topP",
    optional(get("topP"), (v, p) => asNumber(v, p, 0, 1)),
  );
  set(
    "topK",
    optional(get("topK"), (v, p) => asNumber(v, p, 0, Number.MAX_SAFE_INTEGER, true)),
  );
  set(
    "maxOutputTokens",
    optional(get("maxOutputTokens"), (v, p) => asNumber(v, p, 1, LIMITS.maxOutputTokens, true)),
  );
  set(
    "n",
    optional(get("candidateCount"), (v, p) => asNumber(v, p, 1, LIMITS.candidates, true)),
  );
  set(
    "seed",
    optional(get("seed"), (v, p) => asNumber(v, p, -(2 ** 31), 2 ** 31 - 1, true)),
  );
  set("logprobs", optional(get("responseLogprobs"), asBoolean));
  set(
    "topLogprobs",
    optional(get("logprobs"), (v, p) => asNumber(v, p, 0, 20, true)),
  );
  const modalities = get("responseModalities");
  for (const [i, m] of (optional(modalities, asStrings) ?? []).entries()) {
    if (m.toUpperCase() !== "TEXT") {
      throw unsupported(
        [...modalities.path, i],
        `Response modality '${m}'`,
        "other dialects return text only",
      );
    }
  }
  set("responseFormat", responseFormat(raw, at));
  const thinking = get("thinkingConfig");
  set(
    "thinking",
    optional(thinking, (v, p) => decodeThinking(v, p, ext)),
  );
  collectUnknown(raw, GENERATION_KEYS, at, ext);
  return out;
}

/**
 * `responseMimeType` + `responseSchema` / `responseJsonSchema` → response format.
 * `application/json` with a schema is a JSON-schema format named "response"
 * (Gemini schemas have no name); without one, JSON mode; `text/plain` is text.
 */
function responseFormat(raw: Record<string, unknown>, at: Path): ResponseFormat | undefined {
  const mimeEntry = field(raw, "responseMimeType", at);
  const mime = optional(mimeEntry, asString);
  const schemaEntry = field(raw, "responseSchema", at);
  const jsonSchemaEntry = field(raw, "responseJsonSchema", at);
  const given = [schemaEntry, jsonSchemaEntry].filter((e) => e.value !== undefined && e.value !== null);
  if (given.length > 1) {
    throw invalid(jsonSchemaEntry.path, "responseSchema and responseJsonSchema are mutually exclusive");
  }
  const schemaGiven = given[0];
  if (mime === undefined || mime === "" || mime === "text/plain") {
    if (schemaGiven) {
      throw unsupported(
        schemaGiven.path,
        "A response schema without responseMimeType 'application/json'",
        "it has no JSON form to constrain",
      );
    }
    return mime === "text/plain" ? { type: "text" } : undefined;
  }
  if (mime !== "application/json") {
    throw unsupported(
      mimeEntry.path,
      `responseMimeType '${mime}'`,
      "only text/plain and application/json translate",
    );
  }
  if (!schemaGiven) return { type: "json_object" };
  const schema =
    schemaGiven === schemaEntry
      ? jsonSchemaOf(schemaEntry.value, schemaEntry.path)
      : asRecord(jsonSchemaEntry.value, jsonSchemaEntry.path);
  return { type: "json_schema", name: "response", schema };
}

/**
 * `thinkingConfig` → IR thinking. `thinkingBudget` 0 is off, -1 dynamic
 * (adaptive), N a budget; with no budget the model's default (adaptive).
 * `includeThoughts: true` asks for thought summaries (display "summarized");
 * otherwise Gemini returns none ("omitted"). `thinkingLevel` (Gemini 3) has
 * no IR form: it stays in `extensions` and the config is adaptive.
 */
function decodeThinking(value: unknown, at: Path, ext: Record<string, unknown>): ThinkingConfig {
  const raw = asRecord(value, at);
  const budget = optional(field(raw, "thinkingBudget", at), (v, p) =>
    asNumber(v, p, -1, LIMITS.maxOutputTokens, true),
  );
  const include = optional(field(raw, "includeThoughts", at), asBoolean) === true;
  collectUnknown(raw, THINKING_KEYS, at, ext);
  if (budget === 0) return { type: "disabled" };
  const display = include ? "summarized" : "omitted";
  if (budget === undefined || budget === -1) return { type: "adaptive", display };
  return { type: "enabled", budgetTokens: budget, display };
}
