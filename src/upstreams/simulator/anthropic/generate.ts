/**
 * The Anthropic simulator's deterministic "model": decides the content blocks
 * (thinking, text echo, tool_use, tool-result echo), applies stop_sequences and
 * max_tokens across all blocks, and counts usage (prompt cache included).
 * Rendering to JSON or SSE is done by render.ts.
 */
import { randomId } from "../generate.js";
import { exampleFromSchema } from "../schema-example.js";
import { tokenize } from "../tokens.js";
import type { UsageOverride } from "../types.js";
import type { CacheUsage, PromptCache } from "./cache.js";
import type { MessagesView, ToolView } from "./request.js";
import { thinkingSignature } from "./signature.js";

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";

export type BlockPlan =
  | { type: "thinking"; thinking: string; signature: string; pieces: string[] }
  | { type: "text"; text: string; pieces: string[] }
  /** `json` is the input as streamed (cut short by max_tokens); `input` is its parse, or {} when cut. */
  | { type: "tool_use"; id: string; name: string; json: string; input: unknown; pieces: string[] };

export interface MessagePlan {
  id: string;
  model: string;
  blocks: BlockPlan[];
  stopReason: StopReason;
  stopSequence: string | null;
  /** Usage of the JSON message. */
  usage: UsageOverride;
  /** Usage of message_start: the prompt side as final, output_tokens 1 (as the real API reports). */
  startUsage: UsageOverride;
  /** Usage of message_delta (cumulative totals). */
  deltaUsage: UsageOverride;
}

export interface PlanOverrides {
  text?: string;
  model?: string;
  usage?: UsageOverride;
  deltaUsage?: UsageOverride;
}

/** Tokens per streamed delta, by block type. */
const TEXT_TOKENS_PER_DELTA = 1;
const THINKING_TOKENS_PER_DELTA = 3;
const JSON_TOKENS_PER_DELTA = 3;

export function messageId(): string {
  return `msg_01${randomId(22)}`;
}

export function toolUseId(): string {
  return `toolu_01${randomId(22)}`;
}

function group(tokens: readonly string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size).join(""));
  return out;
}

function chooseTool(view: MessagesView): ToolView | null {
  if (view.tools.length === 0 || view.toolChoice === "none" || view.toolResultText !== null) return null;
  const choice = view.toolChoice;
  if (typeof choice === "object")
    return view.tools.find((t) => t.name === choice.name) ?? view.tools[0] ?? null;
  return view.tools[0] ?? null;
}

function cutAtStop(text: string, stops: readonly string[]): { text: string; stop: string | null } {
  let cut = -1;
  let stop: string | null = null;
  for (const candidate of stops) {
    const at = text.indexOf(candidate);
    if (at >= 0 && (cut < 0 || at < cut)) {
      cut = at;
      stop = candidate;
    }
  }
  return cut < 0 ? { text, stop: null } : { text: text.slice(0, cut), stop };
}

/** Anthropic's usage object as the Messages API returns it. */
export function usageObject(cache: CacheUsage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: cache.input,
    cache_creation_input_tokens: cache.creation,
    cache_read_input_tokens: cache.read,
    cache_creation: {
      ephemeral_5m_input_tokens: cache.creation5m,
      ephemeral_1h_input_tokens: cache.creation1h,
    },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

/** The cumulative usage a `message_delta` carries. */
export function deltaUsageObject(cache: CacheUsage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: cache.input,
    cache_creation_input_tokens: cache.creation,
    cache_read_input_tokens: cache.read,
    output_tokens: outputTokens,
  };
}

/** Spends max_tokens across blocks in order; `cut` turns true once a block was cut short. */
class Meter {
  used = 0;
  cut = false;
  #left: number;
  constructor(maxTokens: number | null) {
    this.#left = maxTokens ?? Number.POSITIVE_INFINITY;
  }
  take(tokens: readonly string[]): string[] {
    const kept = tokens.slice(0, Math.max(0, this.#left));
    if (kept.length < tokens.length) this.cut = true;
    this.#left -= kept.length;
    this.used += kept.length;
    return kept;
  }
}

function answerText(view: MessagesView, overrides: PlanOverrides): string {
  if (overrides.text !== undefined) return overrides.text;
  return view.toolResultText !== null
    ? `Tool said: ${view.toolResultText}`
    : `You said: ${view.lastUserText}`;
}

export function planMessage(
  view: MessagesView,
  cache: PromptCache,
  overrides: PlanOverrides = {},
): MessagePlan {
  const blocks: BlockPlan[] = [];
  const meter = new Meter(view.maxTokens);
  let stopReason: StopReason = "end_turn";
  let stopSequence: string | null = null;

  if (view.thinking && view.toolResultText === null) {
    const kept = meter.take(tokenize(`Thinking about: ${view.lastUserText}`));
    const thinking = kept.join("");
    const pieces = group(kept, THINKING_TOKENS_PER_DELTA);
    blocks.push({ type: "thinking", thinking, signature: thinkingSignature(thinking), pieces });
  }
  const tool = overrides.text === undefined ? chooseTool(view) : null;
  if (!meter.cut && tool !== null) {
    const full = JSON.stringify(exampleFromSchema(tool.inputSchema));
    const kept = meter.take(tokenize(full));
    const json = kept.join("");
    const input: unknown = json === full ? JSON.parse(full) : {};
    const pieces = ["", ...group(kept, JSON_TOKENS_PER_DELTA)];
    blocks.push({ type: "tool_use", id: toolUseId(), name: tool.name, json, input, pieces });
    stopReason = "tool_use";
  } else if (!meter.cut) {
    const stopped = cutAtStop(answerText(view, overrides), view.stopSequences);
    const kept = meter.take(tokenize(stopped.text));
    if (stopped.stop !== null) {
      stopReason = "stop_sequence";
      stopSequence = stopped.stop;
    }
    if (kept.length > 0 || blocks.length === 0) {
      blocks.push({ type: "text", text: kept.join(""), pieces: group(kept, TEXT_TOKENS_PER_DELTA) });
    }
  }
  if (meter.cut) {
    stopReason = "max_tokens";
    stopSequence = null;
  }
  const cacheUsage = cache.account(view.segments);
  return {
    id: messageId(),
    model: overrides.model ?? view.model,
    blocks,
    stopReason,
    stopSequence,
    usage: overrides.usage ?? usageObject(cacheUsage, meter.used),
    startUsage: overrides.usage ?? usageObject(cacheUsage, 1),
    deltaUsage: overrides.deltaUsage ?? overrides.usage ?? deltaUsageObject(cacheUsage, meter.used),
  };
}
