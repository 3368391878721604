/**
 * Anthropic Messages client ↔ OpenAI-dialect upstream ("Claude Code on DeepSeek"):
 * upstream chunks → IR events (upstreams/openai/translate-*) → Anthropic SSE or
 * message (protocols/anthropic-messages). Usage is read from the raw upstream
 * objects with the same validation as passthrough.
 */
import { normaliseOpenAiUsage } from "../../accounting/openai-usage.js";
import { errorFromEvent, isOvertError, OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { SettledUsage } from "../../ir/usage.js";
import { encodeMessagesResponse } from "../../protocols/anthropic-messages/encode.js";
import { MessagesStreamEncoder } from "../../protocols/anthropic-messages/stream.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import {
  ChatCompletionsStreamDecoder,
  decodeChatCompletion,
} from "../../upstreams/openai/translate-response.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";
import { parseChunk } from "./openai-passthrough.js";

function collect(events: readonly IrEvent[], into: string[]): void {
  for (const e of events) {
    if (e.type === "text_delta" || e.type === "thinking_delta") into.push(e.text);
    else if (e.type === "tool_call_delta") into.push(e.argumentsJson);
  }
}

function rawUsage(chunk: Record<string, unknown>): unknown {
  if (chunk.usage !== undefined && chunk.usage !== null) return chunk.usage;
  const first: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  return typeof first === "object" && first !== null ? (first as { usage?: unknown }).usage : undefined;
}

export class OpenAiToAnthropicStream implements StreamTranscoder {
  usage: SettledUsage | null = null;
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #decoder: ChatCompletionsStreamDecoder;
  readonly #encoder: MessagesStreamEncoder;

  constructor(provider: string, requestId: string) {
    this.#provider = provider;
    this.#decoder = new ChatCompletionsStreamDecoder(provider);
    this.#encoder = new MessagesStreamEncoder({ requestId, provider });
  }

  event(event: EventSourceMessage): StreamStep {
    if (event.event !== undefined && event.event !== "message" && event.event !== "error") return { out: "" };
    if (event.data === "[DONE]") {
      // Without a finish reason the upstream did not complete: report it, never a made-up message_stop.
      if (!this.#decoder.finished) return this.end();
      return { out: this.#encoder.end(), done: true };
    }
    const chunk = parseChunk(event.data);
    if (chunk === null)
      return { out: "", failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }) };
    const usage = rawUsage(chunk as Record<string, unknown>);
    if (usage !== undefined && usage !== null) this.usage = normaliseOpenAiUsage(usage) ?? this.usage;
    let events: IrEvent[];
    try {
      events = this.#decoder.push(chunk);
    } catch (error) {
      if (isOvertError(error)) return { out: "", failure: error };
      throw error;
    }
    let out = "";
    for (const e of events) {
      if (e.type === "error") {
        return { out, failure: errorFromEvent(e.code, e.message, "OVT_ERR_UPSTREAM_STREAM_ERROR") };
      }
      out += this.#encoder.push(e);
    }
    collect(events, this.delivered);
    return { out };
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }
}

export class OpenAiToAnthropicJson implements JsonTranscoder {
  readonly #provider: string;

  constructor(provider: string) {
    this.#provider = provider;
  }

  transcode(json: Record<string, unknown>): JsonResult {
    try {
      const events = decodeChatCompletion(json, this.#provider);
      const message = encodeMessagesResponse(events, { provider: this.#provider });
      const delivered: string[] = [];
      collect(events, delivered);
      return {
        ok: true,
        body: JSON.stringify(message),
        usage: normaliseOpenAiUsage(json.usage) ?? null,
        delivered,
      };
    } catch (error) {
      if (isOvertError(error)) return { ok: false, error };
      throw error;
    }
  }
}
