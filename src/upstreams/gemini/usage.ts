/**
 * Gemini `usageMetadata` → canonical usage
 * (https://ai.google.dev/api/generate-content#UsageMetadata), validated like
 * accounting/openai-usage.ts (catalogue D8): a count that is negative or not an
 * integer reads as 0, one above ABSURD_TOKENS is capped, and either flags the
 * record; cached input above input and reasoning above output are capped and
 * flagged too.
 *
 * - input = `promptTokenCount` (which already includes `cachedContentTokenCount`)
 *   + `toolUsePromptTokenCount` (the results of Google's server-side tools, billed
 *   as input; absent unless the request used such tools, which this relay never adds);
 * - cached = `cachedContentTokenCount`; Gemini bills no cache writes (implicit caching);
 * - output = `candidatesTokenCount` + `thoughtsTokenCount` (Gemini counts thoughts
 *   apart; the IR's output includes reasoning, and Google bills thoughts as output);
 * - reasoning = `thoughtsTokenCount`.
 * `totalTokenCount` and the per-modality details are not read.
 */
import type { SettledUsage, Usage } from "../../ir/usage.js";
import { isRecord } from "./common.js";

/** No real request produces more tokens than this in one response. */
export const ABSURD_TOKENS = 50_000_000;

/** Returns null when `usageMetadata` is absent or not an object. */
export function normaliseGeminiUsage(usageMetadata: unknown): SettledUsage | null {
  if (!isRecord(usageMetadata)) return null;
  let flagged = false;
  const read = (value: unknown): number => {
    if (value === undefined || value === null) return 0;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      flagged = true;
      return 0;
    }
    if (value > ABSURD_TOKENS) {
      flagged = true;
      return ABSURD_TOKENS;
    }
    return value;
  };
  const prompt = read(usageMetadata.promptTokenCount);
  const toolUse = read(usageMetadata.toolUsePromptTokenCount);
  let cachedInputTokens = read(usageMetadata.cachedContentTokenCount);
  const candidates = read(usageMetadata.candidatesTokenCount);
  const thoughts = read(usageMetadata.thoughtsTokenCount);
  const inputTokens = Math.min(prompt + toolUse, ABSURD_TOKENS);
  const outputTokens = Math.min(candidates + thoughts, ABSURD_TOKENS);
  if (inputTokens < prompt + toolUse || outputTokens < candidates + thoughts) flagged = true;
  if (cachedInputTokens > inputTokens) {
    flagged = true;
    cachedInputTokens = inputTokens;
  }
  return {
    inputTokens,
    cachedInputTokens,
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: Math.min(thoughts, outputTokens),
    source: "upstream",
    flagged,
  };
}

/** The IR usage event's figures (the settled record without source and flag), or undefined. */
export function usageOf(usageMetadata: unknown): Usage | undefined {
  const settled = normaliseGeminiUsage(usageMetadata);
  if (!settled) return undefined;
  const { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens } = settled;
  return { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens };
}
