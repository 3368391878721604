/**
 * What the pipeline tells a request's receipt (issue 5): the route it took, the
 * upstream's own ids, usage as reported and as billed, and every change made on
 * the way (translation, guard replacements, model mapping).
 */
import type { ReceiptFacts } from "../integrity/receipt-handle.js";
import type { UsageRecord } from "../storage/ports.js";
import type { RequestState } from "./attempt-state.js";

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "apim-request-id"] as const;

export function upstreamRequestId(headers: Record<string, string | string[] | undefined>): string | null {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text) return text.slice(0, 200);
  }
  return null;
}

/** The upstream's response id from its first JSON object (chat `id`, Anthropic `message.id`, Gemini `responseId`). */
export function upstreamResponseIdOf(json: unknown): string | null {
  if (typeof json !== "object" || json === null) return null;
  const o = json as Record<string, unknown>;
  for (const candidate of [
    o.id,
    o.responseId,
    (o.message as Record<string, unknown> | undefined)?.id,
    (o.response as Record<string, unknown> | undefined)?.id,
  ]) {
    if (typeof candidate === "string" && candidate !== "") return candidate.slice(0, 200);
  }
  return null;
}

export function receiptFacts(state: RequestState, record: UsageRecord): Partial<ReceiptFacts> {
  const provider = state.provider;
  const transformations = [...state.transformations];
  if (state.upstreamModel !== null && state.upstreamModel !== state.requestedModel)
    transformations.push(`model:${state.requestedModel}>${state.upstreamModel}`);
  const upstream = state.usage?.source === "upstream" ? state.usage : null;
  return {
    model: state.requestedModel,
    provider: provider?.id ?? "",
    endpoint: provider?.baseUrl.host ?? "",
    upstreamModel: state.upstreamModel ?? "",
    upstreamResponseId: state.upstreamResponseId ?? "",
    upstreamRequestId: state.upstreamRequestId ?? "",
    upstreamUsage: upstream
      ? {
          input: upstream.inputTokens,
          cached: upstream.cachedInputTokens,
          cacheWrite: upstream.cacheWriteTokens,
          output: upstream.outputTokens,
          reasoning: upstream.reasoningTokens,
        }
      : null,
    billed: {
      input: record.inputTokens,
      cached: record.cachedInputTokens,
      cacheWrite: record.cacheWriteTokens,
      output: record.outputTokens,
      reasoning: record.reasoningTokens,
      source: record.usageSource,
      costNano: record.costNano.toString(),
      currency: record.currency,
    },
    transformations,
    status: record.status,
    httpStatus: record.httpStatus,
  };
}
