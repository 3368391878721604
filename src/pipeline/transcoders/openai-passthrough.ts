/**
 * OpenAI client ↔ OpenAI-dialect upstream: bytes pass through. Streams are
 * re-emitted one `data:` line per event (content can never inject events,
 * catalogue C9), the usage-only chunk the relay asked for is held back unless the
 * client asked for it too, and non-streaming bodies go out byte for byte (the
 * `model` field is never rewritten, D11).
 */
import { normaliseOpenAiUsage } from "../../accounting/openai-usage.js";
import { OvertError } from "../../errors/overt-error.js";
import type { SettledUsage } from "../../ir/usage.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { describeStreamError } from "../../upstreams/openai/adapter.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";
import { parseObject } from "./json-event.js";

interface ChunkView {
  choices?: unknown;
  usage?: unknown;
  error?: unknown;
}

function deltaText(chunk: ChunkView, into: string[]): void {
  if (!Array.isArray(chunk.choices)) return;
  for (const choice of chunk.choices) {
    const delta = (choice as { delta?: Record<string, unknown> } | null)?.delta;
    if (!delta) continue;
    if (typeof delta.content === "string") into.push(delta.content);
    if (typeof delta.reasoning_content === "string") into.push(delta.reasoning_content);
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        const args = (call as { function?: { arguments?: unknown } } | null)?.function?.arguments;
        if (typeof args === "string") into.push(args);
      }
    }
  }
}

/** Moonshot (Kimi) reports stream usage inside the final choice rather than at the top level. */
function choiceUsage(chunk: ChunkView): unknown {
  if (!Array.isArray(chunk.choices)) return undefined;
  return (chunk.choices[0] as { usage?: unknown } | undefined)?.usage;
}

export function parseChunk(data: string): ChunkView | null {
  return parseObject(data) as ChunkView | null;
}

export class OpenAiPassthroughStream implements StreamTranscoder {
  usage: SettledUsage | null = null;
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #clientWantsUsage: boolean;
  readonly #secrets: readonly string[];

  constructor(provider: string, clientWantsUsage: boolean, secrets: readonly string[]) {
    this.#provider = provider;
    this.#clientWantsUsage = clientWantsUsage;
    this.#secrets = secrets;
  }

  event(event: EventSourceMessage): StreamStep {
    if (event.event !== undefined && event.event !== "message" && event.event !== "error") return { out: "" };
    if (event.data === "[DONE]") return { out: "data: [DONE]\n\n", done: true };
    const chunk = parseChunk(event.data);
    if (chunk === null)
      return { out: "", failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }) };
    // Usage first: a terminal error event may carry it too (catalogue C5).
    const usage = chunk.usage ?? choiceUsage(chunk);
    if (usage !== undefined && usage !== null) this.usage = normaliseOpenAiUsage(usage) ?? this.usage;
    if (chunk.error !== undefined || event.event === "error") {
      const detail = describeStreamError(chunk.error ?? chunk, this.#secrets);
      return {
        out: "",
        failure: new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail }),
      };
    }
    const usageOnly =
      usage !== undefined && usage !== null && Array.isArray(chunk.choices) && chunk.choices.length === 0;
    if (usageOnly && !this.#clientWantsUsage) return { out: "" };
    deltaText(chunk, this.delivered);
    return { out: `data: ${event.data.includes("\n") ? JSON.stringify(chunk) : event.data}\n\n` };
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }
}

export class OpenAiPassthroughJson implements JsonTranscoder {
  transcode(json: Record<string, unknown>, raw: Buffer): JsonResult {
    const usage = normaliseOpenAiUsage(json.usage) ?? null;
    const delivered: string[] = [];
    if (usage === null && Array.isArray(json.choices)) {
      for (const choice of json.choices) {
        const content = (choice as { message?: { content?: unknown } } | null)?.message?.content;
        if (typeof content === "string") delivered.push(content);
      }
    }
    return { ok: true, body: raw, usage, delivered };
  }
}
