/**
 * Pieces of OpenAI's Chat Completions response format shared by the
 * non-streaming and streaming encoders: ids, finish reasons, usage, and the
 * choice for thinking output (https://platform.openai.com/docs/api-reference/chat/object).
 */
import { randomBytes } from "node:crypto";
import type { StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";

export type OpenAiFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/**
 * IR stop reason → OpenAI `finish_reason`. `error` has no OpenAI form: the
 * encoders answer it with an error instead (OVT_ERR_UPSTREAM_ABORTED).
 *
 * - `end_turn` and `stop_sequence` → `stop` (OpenAI does not say which; the
 *   matched sequence is lost).
 * - `refusal` (Anthropic's safety classifier stopped the output) →
 *   `content_filter`, OpenAI's reason for "output cut by a filter"; the text
 *   produced so far stays in `content` and `message.refusal` stays null: it is
 *   partial output, not a refusal message the model wrote.
 * - `pause` (Anthropic's `pause_turn`: a long turn stopped so the client can
 *   send it back to continue) → `length`: the output is incomplete and
 *   continuing is the remedy; `stop` would claim the turn was finished.
 */
export const FINISH_REASONS: Readonly<Record<Exclude<StopReason, "error">, OpenAiFinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  content_filter: "content_filter",
  refusal: "content_filter",
  pause: "length",
};

/**
 * What to do with the upstream's thinking output, for which Chat Completions
 * has no field. `reasoning_content` (default) puts it where DeepSeek, Qwen,
 * vLLM and SiliconFlow do — a field the official SDKs carry through untouched
 * and chat UIs (Open WebUI, LobeChat, Cherry Studio) display — so nothing is
 * lost; thinking only appears when the client asked for it (`reasoning_effort`).
 * `drop` omits it and reports `dropped:thinking` through `transforms`.
 * Thinking signatures have no OpenAI form in either mode
 * (`dropped:thinking_signature`).
 */
export type ThinkingOutput = "reasoning_content" | "drop";

/** Where an encoder reports what it changed (e.g. the pipeline's receipt `transform` list). */
export interface TransformSink {
  add(label: string): void;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/**
 * Canonical usage → OpenAI usage. `prompt_tokens` is the whole prompt, cached
 * tokens included, as in the IR. Anthropic's cache writes are part of it too;
 * OpenAI has no field that tells them apart (the ledger keeps the split).
 */
export function openAiUsage(usage: Usage): OpenAiUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/**
 * The `chatcmpl-…` id the client sees: the upstream's id kept recognisable
 * (`msg_01Ab` → `chatcmpl-msg_01Ab`) so a receipt, a log line and the client
 * agree; random when the upstream sent none.
 */
export function completionIdFor(upstreamId: string): string {
  if (upstreamId.startsWith("chatcmpl-")) return upstreamId;
  const safe = upstreamId.replace(/[^A-Za-z0-9_-]/g, "");
  return `chatcmpl-${safe.length > 0 ? safe : randomBytes(12).toString("hex")}`;
}

/** Unix seconds, as `created` is. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
