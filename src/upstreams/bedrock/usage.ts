/**
 * Converse `usage` (TokenUsage: inputTokens, outputTokens, totalTokens,
 * cacheReadInputTokens?, cacheWriteInputTokens?) → canonical usage, validated
 * like accounting/openai-usage.ts: a count that is negative or not an integer
 * reads as 0, one above ABSURD_TOKENS is capped, and either flags the record.
 *
 * Bedrock reports `inputTokens` apart from cache reads and writes (as
 * Anthropic's API does), so the IR's input (which includes cached tokens) is
 * their sum; cachedInputTokens = cacheReadInputTokens, cacheWriteTokens =
 * cacheWriteInputTokens. Converse does not break reasoning out of
 * outputTokens: reasoningTokens is 0. `totalTokens` is not read.
 * (Provenance: the TokenUsage API reference; the additive reading follows
 * Anthropic's own usage semantics and independent Converse clients.)
 */
import type { SettledUsage, Usage } from "../../ir/usage.js";
import { isRecord } from "./common.js";

/** No real request produces more tokens than this in one response. */
export const ABSURD_TOKENS = 50_000_000;

/** Returns null when `usage` is absent or not an object. */
export function normaliseConverseUsage(usage: unknown): SettledUsage | null {
  if (!isRecord(usage)) return null;
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
  const input = read(usage.inputTokens);
  const cacheRead = read(usage.cacheReadInputTokens);
  const cacheWrite = read(usage.cacheWriteInputTokens);
  const outputTokens = read(usage.outputTokens);
  const sum = input + cacheRead + cacheWrite;
  const inputTokens = Math.min(sum, ABSURD_TOKENS);
  if (inputTokens < sum) flagged = true;
  return {
    inputTokens,
    cachedInputTokens: Math.min(cacheRead, inputTokens),
    cacheWriteTokens: Math.min(cacheWrite, inputTokens),
    outputTokens,
    reasoningTokens: 0,
    source: "upstream",
    flagged,
  };
}

/** The IR usage event's figures, or undefined. */
export function converseUsageOf(usage: unknown): Usage | undefined {
  const settled = normaliseConverseUsage(usage);
  if (!settled) return undefined;
  const { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens } = settled;
  return { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens };
}
