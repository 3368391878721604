/**
 * Canonical token usage, the one shape every upstream's usage is normalized into.
 * All counts are non-negative integers. `inputTokens` includes cached tokens
 * (cachedInputTokens is the part of it served from the provider's prompt cache,
 * cacheWriteTokens the part written to it);
 * `outputTokens` includes reasoning tokens.
 */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** Where a usage figure came from: the upstream said so, or the relay estimated it. */
export type UsageSource = "upstream" | "estimated" | "none";

export interface SettledUsage extends Usage {
  source: UsageSource;
  /** Set when the upstream reported something impossible (negative, non-integer, absurd) and it was clamped. */
  flagged: boolean;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});
