/**
 * Reads and validates a GenerateContentRequest the way the Gemini API does
 * (https://ai.google.dev/api/generate-content#request-body), both proto3 JSON
 * spellings of a field accepted (`systemInstruction` / `system_instruction`).
 * Answers 400 INVALID_ARGUMENT with the real API's wording for an empty
 * `contents`, a part without data, an unknown role, more than 8 candidates or
 * 5 stop sequences, a thinking budget together with a level, and — as Gemini 3
 * does — an unsigned or wrongly signed first function call of a step in the
 * current turn (signature.ts).
 */
import { isRecord } from "../request.js";
import { countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REQUEST } from "../tokens.js";
import { invalidArgument } from "./errors.js";
import { verifyCallSignature } from "./signature.js";
import type { GeminiErrorObject } from "./types.js";

export interface ToolView {
  name: string;
  schema: unknown;
}

export interface GenerateView {
  model: string;
  lastUserText: string;
  /** The output (or error) of the last user turn's first function response; null when it has none. */
  toolResultText: string | null;
  tools: ToolView[];
  mode: string;
  allowed: string[];
  maxOutputTokens: number | null;
  stopSequences: string[];
  candidateCount: number;
  thinking: boolean;
  includeThoughts: boolean;
  /** responseMimeType application/json: its schema, or null without one; undefined for text. */
  jsonSchema: unknown;
  promptTokens: number;
}

/** Tokens an image or file counts for (Gemini's figure for an image up to 384 px). */
export const MEDIA_TOKENS = 258;
const DATA = ["text", "inlineData", "fileData", "functionCall", "functionResponse"] as const;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function get(source: Record<string, unknown>, name: string): unknown {
  return source[name] ?? source[snake(name)];
}

function record(source: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = get(source, name);
  return isRecord(value) ? value : {};
}

/** Gemini `Schema` type names (`OBJECT`) lower-cased, so schema examples work for both schema dialects. */
function lowerTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerTypes);
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === "type" && typeof v === "string" ? v.toLowerCase() : lowerTypes(v),
    ]),
  );
}

function partTokens(part: Record<string, unknown>): number {
  if (typeof part.text === "string") return countTokens(part.text);
  const call = record(part, "functionCall");
  if (typeof call.name === "string") return countTokens(`${call.name} ${JSON.stringify(call.args ?? {})}`);
  const response = record(part, "functionResponse");
  if (typeof response.name === "string")
    return countTokens(`${response.name} ${JSON.stringify(response.response ?? {})}`);
  return MEDIA_TOKENS;
}

function resultText(response: Record<string, unknown>): string {
  const payload = isRecord(response.response) ? response.response : {};
  const value = payload.output ?? payload.error ?? payload;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function checkSignatures(contents: Record<string, unknown>[]): GeminiErrorObject | null {
  const start = contents.findLastIndex(
    (c) =>
      c.role !== "model" && (c.parts as Record<string, unknown>[]).some((p) => !get(p, "functionResponse")),
  );
  for (const content of contents.slice(start + 1)) {
    if (content.role !== "model") continue;
    const parts = content.parts as Record<string, unknown>[];
    const position = parts.findIndex((p) => isRecord(get(p, "functionCall")));
    const part = parts[position];
    if (!part) continue;
    const call = record(part, "functionCall");
    const signature = get(part, "thoughtSignature");
    if (typeof signature !== "string" || signature === "") {
      return invalidArgument(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(call.name)}\` , position ${position + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
    if (!verifyCallSignature(String(call.name), call.args, signature))
      return invalidArgument("Corrupted thought signature.");
  }
  return null;
}

function checkContents(raw: unknown): Record<string, unknown>[] | GeminiErrorObject {
  if (!Array.isArray(raw) || raw.length === 0) {
    return invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
  }
  const contents: Record<string, unknown>[] = [];
  for (const [i, content] of raw.entries()) {
    if (!isRecord(content)) return invalidArgument(`Invalid value at 'contents[${i}]'`);
    const role = content.role ?? "user";
    if (role !== "user" && role !== "model" && role !== "function") {
      return invalidArgument("Please use a valid role: user, model.");
    }
    const parts = content.parts;
    if (!Array.isArray(parts) || parts.length === 0) {
      return invalidArgument(
        `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`,
      );
    }
    for (const [j, part] of parts.entries()) {
      const ok =
        isRecord(part) &&
        DATA.some((name) => {
          const v = get(part, name);
          return v !== undefined && v !== null && v !== "";
        });
      if (!ok) {
        return invalidArgument(
          `* GenerateContentRequest.contents[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field\n`,
        );
      }
    }
    contents.push({ role, parts });
  }
  return contents;
}

export function parseGenerateRequest(model: string, body: unknown): GenerateView | GeminiErrorObject {
  if (!isRecord(body)) return invalidArgument("Invalid JSON payload received. Expected an object.");
  const contents = checkContents(body.contents);
  if (!Array.isArray(contents)) return contents;
  const config = record(body, "generationConfig");
  const candidateCount = get(config, "candidateCount") ?? 1;
  if (
    typeof candidateCount !== "number" ||
    !Number.isInteger(candidateCount) ||
    candidateCount < 1 ||
    candidateCount > 8
  ) {
    return invalidArgument("* GenerationConfig.candidate_count: must be between 1 and 8\n");
  }
  const stops = get(config, "stopSequences") ?? [];
  if (!Array.isArray(stops) || stops.length > 5) {
    return invalidArgument("* GenerationConfig.stop_sequences: at most 5 stop sequences are allowed\n");
  }
  const thinking = record(config, "thinkingConfig");
  const budget = get(thinking, "thinkingBudget");
  const level = get(thinking, "thinkingLevel");
  if (budget !== undefined && level !== undefined) {
    return invalidArgument("You can only set only one of thinking budget and thinking level.");
  }
  const signatures = checkSignatures(contents);
  if (signatures) return signatures;

  const declarations = (Array.isArray(body.tools) ? body.tools : [])
    .filter(isRecord)
    .flatMap((tool) =>
      Array.isArray(get(tool, "functionDeclarations"))
        ? (get(tool, "functionDeclarations") as unknown[])
        : [],
    )
    .filter(isRecord);
  const tools = declarations
    .filter((d) => typeof d.name === "string")
    .map((d) => ({
      name: d.name as string,
      schema: lowerTypes(get(d, "parametersJsonSchema") ?? get(d, "parameters") ?? {}),
    }));
  const calling = record(record(body, "toolConfig"), "functionCallingConfig");
  const allowed = get(calling, "allowedFunctionNames");
  const system = record(body, "systemInstruction");
  const systemParts = (Array.isArray(system.parts) ? system.parts : []).filter(isRecord);
  let promptTokens =
    TOKENS_PER_REQUEST + (declarations.length > 0 ? countTokens(JSON.stringify(declarations)) : 0);
  for (const part of systemParts) promptTokens += partTokens(part);
  for (const content of contents) {
    promptTokens += TOKENS_PER_MESSAGE;
    for (const part of content.parts as Record<string, unknown>[]) promptTokens += partTokens(part);
  }
  const last = contents.at(-1) as Record<string, unknown>;
  const lastParts = last.role === "model" ? [] : (last.parts as Record<string, unknown>[]);
  const response = lastParts.map((p) => get(p, "functionResponse")).find(isRecord);
  const mime = get(config, "responseMimeType");
  const lastUser = contents.findLast((c) => c.role !== "model");
  return {
    model,
    lastUserText: ((lastUser?.parts ?? []) as Record<string, unknown>[])
      .map((p) => (typeof p.text === "string" ? p.text : ""))
      .filter((t) => t !== "")
      .join(" "),
    toolResultText: response ? resultText(response) : null,
    tools,
    mode: typeof calling.mode === "string" ? calling.mode : "AUTO",
    allowed: Array.isArray(allowed) ? allowed.filter((n): n is string => typeof n === "string") : [],
    maxOutputTokens:
      typeof get(config, "maxOutputTokens") === "number" ? (get(config, "maxOutputTokens") as number) : null,
    stopSequences: stops.filter((s): s is string => typeof s === "string" && s !== ""),
    candidateCount,
    thinking: Object.keys(thinking).length > 0 && budget !== 0,
    includeThoughts: get(thinking, "includeThoughts") === true && budget !== 0,
    jsonSchema:
      mime === "application/json"
        ? lowerTypes(get(config, "responseJsonSchema") ?? get(config, "responseSchema") ?? null)
        : undefined,
    promptTokens,
  };
}
