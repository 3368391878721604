/**
 * Response pieces shared by the non-streaming and streaming OpenAI decoders:
 * finish reasons and usage (https://platform.openai.com/docs/api-reference/chat/object).
 */
import type { StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * OpenAI `finish_reason` → IR stop reason; `rawReason` always keeps the original.
 *
 * - `stop` → `end_turn`. OpenAI does not say whether a stop sequence or the
 *   model's own end caused it, so a stop-sequence hit is reported as `end_turn`
 *   with no `stopSequence` (lossy, unavoidable).
 * - `stop` after tool calls → `tool_use`: some OpenAI-compatible servers (older
 *   Ollama, vLLM builds) send `stop` with tool calls; a client told `end_turn`
 *   would not run the tools it was just given.
 * - `stop` after a refusal → `refusal`.
 * - `length` → `max_tokens`; `tool_calls` / `function_call` → `tool_use`.
 * - `content_filter` → `content_filter` (kept exact in the IR; the Anthropic
 *   codec renders it as `refusal`).
 * - `insufficient_system_resource` (DeepSeek: generation interrupted) → `error`.
 * - Anything else (a server's own words) → `end_turn`, visible through `rawReason`.
 */
export function mapFinishReason(raw: string, sawToolCall: boolean, sawRefusal: boolean): StopReason {
  switch (raw) {
    case "stop":
    case "eos":
    case "end_turn":
      return sawToolCall ? "tool_use" : sawRefusal ? "refusal" : "end_turn";
    case "length":
    case "max_tokens":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool_use";
    case "content_filter":
      return "content_filter";
    case "insufficient_system_resource":
      return "error";
    default:
      return "end_turn";
  }
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * OpenAI-dialect `usage` → canonical Usage. Cached input comes from
 * `prompt_tokens_details.cached_tokens` or DeepSeek's `prompt_cache_hit_tokens`;
 * reasoning from `completion_tokens_details.reasoning_tokens`. A count that is
 * not a non-negative integer reads as 0 here; accounting re-reads the raw usage
 * and flags it (catalogue D8).
 */
export function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  const completion = isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details : {};
  const inputTokens = count(raw.prompt_tokens);
  const outputTokens = count(raw.completion_tokens);
  const cached = count(prompt.cached_tokens) || count(raw.prompt_cache_hit_tokens);
  return {
    inputTokens,
    cachedInputTokens: Math.min(cached, inputTokens),
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: Math.min(count(completion.reasoning_tokens), outputTokens),
  };
}

/** Reasoning text as DeepSeek (`reasoning_content`) or OpenRouter/vLLM (`reasoning`) send it. */
export function reasoningOf(source: Record<string, unknown>): string {
  const value = typeof source.reasoning_content === "string" ? source.reasoning_content : source.reasoning;
  return typeof value === "string" ? value : "";
}
