/**
 * Pieces of Anthropic's response wire format shared by the non-streaming and
 * streaming encoders: message ids, stop reasons and the usage object
 * (https://docs.claude.com/en/api/messages, "Response").
 */
import { randomBytes } from "node:crypto";
import type { StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";

export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal";

/**
 * IR stop reason → Anthropic `stop_reason`. `error` has no Anthropic form: the
 * encoders answer it with an error instead (see OVT_ERR_UPSTREAM_ABORTED).
 * `content_filter` becomes `refusal`, Anthropic's reason for "a safety classifier
 * intervened"; `end_turn` would tell the client the model finished normally
 * when its output was in fact cut by a filter.
 */
export const STOP_REASONS: Readonly<Record<Exclude<StopReason, "error">, AnthropicStopReason>> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  pause: "pause_turn",
  refusal: "refusal",
  content_filter: "refusal",
};

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/**
 * Canonical usage → Anthropic usage. Anthropic's `input_tokens` excludes cache
 * reads and writes (the three add up to the whole prompt), whereas the IR's
 * `inputTokens` is the whole prompt.
 */
export function anthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens),
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
  };
}

/**
 * The `msg_…` id the client sees: the upstream's id kept recognisable
 * (`chatcmpl-abc` → `msg_chatcmpl-abc`) so a receipt, a log line and the client
 * agree; random when the upstream sent none.
 */
export function messageIdFor(upstreamId: string): string {
  if (upstreamId.startsWith("msg_")) return upstreamId;
  const safe = upstreamId.replace(/[^A-Za-z0-9_-]/g, "");
  return `msg_${safe.length > 0 ? safe : randomBytes(12).toString("hex")}`;
}

/** Parses accumulated tool-call arguments into Anthropic's `input` object; undefined if they are not one. */
export function toolInput(argumentsJson: string): Record<string, unknown> | undefined {
  if (argumentsJson.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(argumentsJson);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
