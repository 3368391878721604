/**
 * Pieces shared by the Anthropic Messages translation (request encoder,
 * response and stream decoders): transformation labels, refusals, stop reasons
 * and usage (https://docs.claude.com/en/api/messages).
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent, StopReason } from "../../ir/stream.js";
import type { SettledUsage, Usage } from "../../ir/usage.js";
import { normaliseAnthropicUsage } from "./adapter.js";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An ordered set of transformation labels (`dropped:seed`, `merged:consecutive_user_messages`, …). */
export class Transforms {
  readonly #labels = new Set<string>();
  add(label: string): void {
    this.#labels.add(label);
  }
  list(): string[] {
    return [...this.#labels];
  }
}

/** OVT_ERR_TRANSLATE_UNSUPPORTED (400) naming the request field at fault. */
export function refuse(param: string, feature: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param });
}

/**
 * Anthropic `stop_reason` → IR stop reason; `rawReason` always keeps the original.
 * `model_context_window_exceeded` (the prompt plus output filled the context
 * window) becomes `max_tokens`: output was cut by a limit, not finished. An
 * unknown reason reads as `end_turn`, visible through `rawReason`.
 */
export function mapStopReason(raw: string): StopReason {
  switch (raw) {
    case "end_turn":
    case "max_tokens":
    case "stop_sequence":
    case "tool_use":
    case "refusal":
      return raw;
    case "pause_turn":
      return "pause";
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "end_turn";
  }
}

/** The `finish` event for a stop reason and stop sequence as Anthropic sends them. */
export function finishEvent(
  stopReason: unknown,
  stopSequence: unknown,
): Extract<IrEvent, { type: "finish" }> {
  const raw = typeof stopReason === "string" ? stopReason : "null";
  return {
    type: "finish",
    choice: 0,
    reason: mapStopReason(raw),
    rawReason: raw,
    ...(raw === "stop_sequence" && typeof stopSequence === "string" ? { stopSequence } : {}),
  };
}

/** Cumulative usage so far: the adapter's settled figures plus reasoning tokens. */
export interface UsageState {
  settled: SettledUsage;
  reasoningTokens: number;
}

/**
 * Folds one Anthropic `usage` object into the running totals. Every count in
 * `message_start` and `message_delta` is cumulative, and one that is absent or
 * `null` keeps its previous value (as @anthropic-ai/sdk's MessageStream does),
 * so nulls are removed before normaliseAnthropicUsage, which would read them as 0.
 * Canonical input = input_tokens + cache_read + cache_creation; cached = cache
 * reads; cacheWrite = cache creation; reasoning = `output_tokens_details.thinking_tokens`.
 */
export function foldUsage(raw: unknown, previous: UsageState | null): UsageState | null {
  if (!isRecord(raw)) return previous;
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
  const settled = normaliseAnthropicUsage(present, previous?.settled ?? null);
  if (!settled) return previous;
  const details = isRecord(raw.output_tokens_details) ? raw.output_tokens_details : {};
  const thinking = details.thinking_tokens;
  const reasoning =
    typeof thinking === "number" && Number.isInteger(thinking) && thinking >= 0
      ? thinking
      : (previous?.reasoningTokens ?? 0);
  return { settled, reasoningTokens: Math.min(reasoning, settled.outputTokens) };
}

export function usageOf(state: UsageState): Usage {
  const { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens } = state.settled;
  return {
    inputTokens,
    cachedInputTokens,
    cacheWriteTokens,
    outputTokens,
    reasoningTokens: state.reasoningTokens,
  };
}
