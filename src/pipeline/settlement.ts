/**
 * Settlement (DESIGN §2, final stage): turns the request state into one ledger
 * record. Runs in `finally`, so a request that failed or whose client left is
 * still recorded. Usage policy when the upstream reported none (a cut stream, a
 * client gone before the end): input estimated from the request, output estimated
 * from the text actually delivered; the record says "estimated". Never the full
 * max_tokens, never zero when text was delivered. A request the upstream refused
 * or never received (429, 5xx, unreachable, redirect) is recorded at zero cost.
 */

import { computeCost } from "../accounting/cost.js";
import { estimateTokens } from "../accounting/estimate.js";
import { capOutput } from "../accounting/openai-usage.js";
import type { SettledUsage } from "../ir/usage.js";
import type { UsageRecord } from "../storage/ports.js";
import type { RequestState } from "./attempt-state.js";

const NO_USAGE: SettledUsage = Object.freeze({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  source: "none",
  flagged: false,
});

function estimatedUsage(state: RequestState): SettledUsage {
  if (!state.upstreamEngaged || state.upstreamBody === null) return NO_USAGE;
  return {
    inputTokens: estimateTokens(state.upstreamBody),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: estimateTokens(state.deliveredText.join("")),
    reasoningTokens: 0,
    source: "estimated",
    flagged: false,
  };
}

export function settle(state: RequestState, now: number): UsageRecord | null {
  const key = state.key;
  if (key === null) return null;
  let usage = state.usage ?? estimatedUsage(state);
  usage = capOutput(usage, state.maxOutputTokens, state.n);
  const cost =
    state.provider !== null && state.upstreamModel !== null && usage.source !== "none"
      ? computeCost(state.provider, state.upstreamModel, usage)
      : { costNano: 0n, currency: state.provider?.currency ?? "USD", unpriced: false };
  return {
    requestId: state.requestId,
    createdAt: Date.now(),
    keyId: key.id,
    tenantId: key.tenantId,
    requestedModel: state.requestedModel,
    provider: state.provider?.id ?? null,
    upstreamModel: state.upstreamModel,
    stream: state.stream,
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.reasoningTokens,
    costNano: cost.costNano,
    currency: cost.currency,
    unpriced: cost.unpriced,
    usageSource: usage.source,
    usageFlagged: usage.flagged,
    latencyMs: Math.max(0, Math.round(now - state.startedAt)),
    ttftMs: state.firstByteAt === null ? null : Math.max(0, Math.round(state.firstByteAt - state.startedAt)),
    status: state.status,
    httpStatus: state.httpStatus,
    errorCode: state.errorCode,
    attempts: state.attempts,
  };
}
