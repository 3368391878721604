/**
 * OpenAI Chat client ↔ Anthropic-dialect upstream: upstream events → IR
 * (upstreams/anthropic/translate-*) → OpenAI chunks or chat.completion
 * (protocols/openai-chat). Usage is read from the raw Anthropic events, as in
 * passthrough.
 */
import { errorFromEvent, isOvertError, OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { SettledUsage } from "../../ir/usage.js";
import { encodeChatCompletion } from "../../protocols/openai-chat/encode.js";
import { ChatCompletionsStreamEncoder } from "../../protocols/openai-chat/stream.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { normaliseAnthropicUsage } from "../../upstreams/anthropic/adapter.js";
import {
  decodeMessagesResponse,
  MessagesStreamDecoder,
} from "../../upstreams/anthropic/translate-response.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";

function collect(events: readonly IrEvent[], into: string[]): void {
  for (const e of events) {
    if (e.type === "text_delta" || e.type === "thinking_delta") into.push(e.text);
    else if (e.type === "tool_call_delta") into.push(e.argumentsJson);
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

export class AnthropicToOpenAiStream implements StreamTranscoder {
  usage: SettledUsage | null = null;
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #decoder: MessagesStreamDecoder;
  readonly #encoder: ChatCompletionsStreamEncoder;

  constructor(provider: string, includeUsage: boolean, requestId: string) {
    this.#provider = provider;
    this.#decoder = new MessagesStreamDecoder(provider);
    this.#encoder = new ChatCompletionsStreamEncoder({ includeUsage, provider, requestId });
  }

  event(event: EventSourceMessage): StreamStep {
    const name = event.event ?? "message";
    const data = parse(event.data);
    if (data === undefined)
      return { out: "", failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }) };
    if (name === "message_start")
      this.usage = normaliseAnthropicUsage(
        field(data, "message") && field(field(data, "message"), "usage"),
        this.usage,
      );
    else if (name === "message_delta") this.usage = normaliseAnthropicUsage(field(data, "usage"), this.usage);
    try {
      const events = this.#decoder.push(name, data);
      let out = "";
      for (const e of events) {
        if (e.type === "error")
          return { out, failure: errorFromEvent(e.code, e.message, "OVT_ERR_UPSTREAM_STREAM_ERROR") };
        out += this.#encoder.push(e);
      }
      collect(events, this.delivered);
      if (name === "message_stop") {
        const tail = this.#encoder.end();
        const failure = this.#encoder.failure;
        return failure ? { out: out + tail, failure } : { out: out + tail, done: true };
      }
      return { out };
    } catch (error) {
      if (isOvertError(error)) return { out: "", failure: error };
      throw error;
    }
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }
}

export class AnthropicToOpenAiJson implements JsonTranscoder {
  readonly #provider: string;

  constructor(provider: string) {
    this.#provider = provider;
  }

  transcode(json: Record<string, unknown>): JsonResult {
    try {
      const events = decodeMessagesResponse(json, this.#provider);
      const delivered: string[] = [];
      collect(events, delivered);
      const body = JSON.stringify(encodeChatCompletion(events, { provider: this.#provider }));
      return { ok: true, body, usage: normaliseAnthropicUsage(json.usage), delivered };
    } catch (error) {
      if (isOvertError(error)) return { ok: false, error };
      throw error;
    }
  }
}
