/**
 * Normalises an OpenAI-dialect `usage` object into the canonical Usage, refusing
 * to trust impossible values (catalogue D8): negative or non-integer counts become
 * 0 and absurd counts are capped; either way the record is flagged.
 * Also reads DeepSeek's `prompt_cache_hit_tokens` form of cached input.
 */
import type { SettledUsage } from "../ir/usage.js";

/** No real request produces more tokens than this in one response. */
const ABSURD_TOKENS = 50_000_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface Reader {
  flagged: boolean;
  read(value: unknown): number;
}

function reader(): Reader {
  const r: Reader = {
    flagged: false,
    read(value: unknown): number {
      if (value === undefined || value === null) return 0;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        r.flagged = true;
        return 0;
      }
      if (value > ABSURD_TOKENS) {
        r.flagged = true;
        return ABSURD_TOKENS;
      }
      return value;
    },
  };
  return r;
}

/** Returns undefined when `usage` is absent or not an object. */
export function normaliseOpenAiUsage(usage: unknown): SettledUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const r = reader();
  const inputTokens = r.read(usage.prompt_tokens);
  const outputTokens = r.read(usage.completion_tokens);
  const promptDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completionDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  let cachedInputTokens = r.read(promptDetails.cached_tokens);
  if (cachedInputTokens === 0 && usage.prompt_cache_hit_tokens !== undefined) {
    cachedInputTokens = r.read(usage.prompt_cache_hit_tokens);
  }
  let reasoningTokens = r.read(completionDetails.reasoning_tokens);
  if (cachedInputTokens > inputTokens) {
    r.flagged = true;
    cachedInputTokens = inputTokens;
  }
  if (reasoningTokens > outputTokens) {
    r.flagged = true;
    reasoningTokens = outputTokens;
  }
  return {
    inputTokens,
    cachedInputTokens,
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens,
    source: "upstream",
    flagged: r.flagged,
  };
}

/**
 * Caps output at what the request allowed (max tokens × n) when the request set a
 * bound; an upstream claiming more is flagged (it would overcharge the client).
 */
export function capOutput(usage: SettledUsage, maxOutputTokens: number | undefined, n: number): SettledUsage {
  if (maxOutputTokens === undefined) return usage;
  const cap = maxOutputTokens * n;
  if (usage.outputTokens <= cap) return usage;
  return {
    ...usage,
    outputTokens: cap,
    reasoningTokens: Math.min(usage.reasoningTokens, cap),
    flagged: true,
  };
}

/** The Responses API's usage shape (input_tokens, output_tokens, *_details), same validation. */
export function normaliseResponsesUsage(usage: unknown): SettledUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return normaliseOpenAiUsage({
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    prompt_tokens_details: usage.input_tokens_details,
    completion_tokens_details: usage.output_tokens_details,
  });
}
