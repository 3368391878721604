/**
 * The upstream half of a translation: an upstream dialect's stream events or
 * body → IR events, with usage read from the raw upstream objects (validated the
 * same way as on passthrough).
 */
import { normaliseOpenAiUsage } from "../../accounting/openai-usage.js";
import { isOvertError, OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { SettledUsage } from "../../ir/usage.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { normaliseAnthropicUsage } from "../../upstreams/anthropic/adapter.js";
import {
  decodeMessagesResponse,
  MessagesStreamDecoder,
} from "../../upstreams/anthropic/translate-response.js";
import {
  ConverseStreamDecoder,
  decodeConverseResponse,
  normaliseConverseUsage,
} from "../../upstreams/bedrock/translate-response.js";
import {
  decodeGenerateContentResponse,
  GenerateContentStreamDecoder,
  normaliseGeminiUsage,
} from "../../upstreams/gemini/translate-response.js";
import {
  ChatCompletionsStreamDecoder,
  decodeChatCompletion,
} from "../../upstreams/openai/translate-response.js";
import { parseChunk } from "./openai-passthrough.js";

export type UpstreamDialect = "openai-chat" | "anthropic-messages" | "gemini" | "bedrock-converse";

const DECODABLE: ReadonlySet<string> = new Set([
  "openai-chat",
  "anthropic-messages",
  "gemini",
  "bedrock-converse",
]);

/** Upstream dialects the relay can translate from (others are reachable only by passthrough). */
export function isDecodable(dialect: string): dialect is UpstreamDialect {
  return DECODABLE.has(dialect);
}

export interface DecodedStep {
  events: IrEvent[];
  /** The upstream's terminal event arrived and the response is complete. */
  done?: boolean;
  failure?: OvertError;
}

export interface UpstreamStreamDecoder {
  push(event: EventSourceMessage): DecodedStep;
  readonly usage: SettledUsage | null;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function guard(run: () => DecodedStep): DecodedStep {
  try {
    return run();
  } catch (error) {
    if (isOvertError(error)) return { events: [], failure: error };
    throw error;
  }
}

class OpenAiChatDecoder implements UpstreamStreamDecoder {
  usage: SettledUsage | null = null;
  readonly #provider: string;
  readonly #decoder: ChatCompletionsStreamDecoder;

  constructor(provider: string) {
    this.#provider = provider;
    this.#decoder = new ChatCompletionsStreamDecoder(provider);
  }

  push(event: EventSourceMessage): DecodedStep {
    if (event.event !== undefined && event.event !== "message" && event.event !== "error")
      return { events: [] };
    if (event.data === "[DONE]") {
      // Without a finish reason the upstream did not complete: never a made-up end.
      if (!this.#decoder.finished) {
        return {
          events: [],
          failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
        };
      }
      return { events: [], done: true };
    }
    const chunk = parseChunk(event.data);
    if (chunk === null)
      return {
        events: [],
        failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }),
      };
    const first = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    const usage = chunk.usage ?? field(first, "usage");
    if (usage !== undefined && usage !== null) this.usage = normaliseOpenAiUsage(usage) ?? this.usage;
    return guard(() => ({ events: this.#decoder.push(chunk) }));
  }
}

class AnthropicDecoder implements UpstreamStreamDecoder {
  usage: SettledUsage | null = null;
  readonly #provider: string;
  readonly #decoder: MessagesStreamDecoder;

  constructor(provider: string) {
    this.#provider = provider;
    this.#decoder = new MessagesStreamDecoder(provider);
  }

  push(event: EventSourceMessage): DecodedStep {
    const name = event.event ?? "message";
    const data = parse(event.data);
    if (data === undefined)
      return {
        events: [],
        failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }),
      };
    if (name === "message_start")
      this.usage = normaliseAnthropicUsage(field(field(data, "message"), "usage"), this.usage);
    else if (name === "message_delta") this.usage = normaliseAnthropicUsage(field(data, "usage"), this.usage);
    return guard(() => ({
      events: this.#decoder.push(name, data),
      done: name === "message_stop",
    }));
  }
}

/**
 * Gemini streams have no terminal event: each `data:` is a whole
 * GenerateContentResponse, and the one carrying the finish reason (with the
 * cumulative usageMetadata) is the last.
 */
class GeminiDecoder implements UpstreamStreamDecoder {
  usage: SettledUsage | null = null;
  readonly #provider: string;
  readonly #decoder: GenerateContentStreamDecoder;

  constructor(provider: string) {
    this.#provider = provider;
    this.#decoder = new GenerateContentStreamDecoder(provider);
  }

  push(event: EventSourceMessage): DecodedStep {
    const chunk = parse(event.data);
    if (chunk === undefined)
      return {
        events: [],
        failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }),
      };
    this.usage = normaliseGeminiUsage(field(chunk, "usageMetadata")) ?? this.usage;
    return guard(() => {
      const events = this.#decoder.push(chunk);
      return { events, done: this.#decoder.finished };
    });
  }
}

/**
 * Bedrock Converse events (framed by BedrockFrames): usage arrives in `metadata`,
 * after messageStop, so the response is complete at metadata.
 */
class BedrockDecoder implements UpstreamStreamDecoder {
  usage: SettledUsage | null = null;
  readonly #provider: string;
  readonly #decoder: ConverseStreamDecoder;

  constructor(provider: string) {
    this.#provider = provider;
    this.#decoder = new ConverseStreamDecoder(provider);
  }

  push(event: EventSourceMessage): DecodedStep {
    const name = event.event ?? "";
    const exception = name.startsWith("!");
    const eventType = exception ? name.slice(1) : name;
    const payload = parse(event.data);
    if (payload === undefined)
      return {
        events: [],
        failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }),
      };
    if (eventType === "metadata") this.usage = normaliseConverseUsage(field(payload, "usage")) ?? this.usage;
    return guard(() => {
      const events = this.#decoder.push(eventType, payload, exception);
      return { events, done: eventType === "metadata" && this.#decoder.finished };
    });
  }
}

export function upstreamStreamDecoder(dialect: UpstreamDialect, provider: string): UpstreamStreamDecoder {
  if (dialect === "gemini") return new GeminiDecoder(provider);
  if (dialect === "bedrock-converse") return new BedrockDecoder(provider);
  return dialect === "openai-chat" ? new OpenAiChatDecoder(provider) : new AnthropicDecoder(provider);
}

export function decodeUpstreamBody(
  dialect: UpstreamDialect,
  json: Record<string, unknown>,
  provider: string,
): { events: IrEvent[]; usage: SettledUsage | null } {
  if (dialect === "openai-chat") {
    return { events: decodeChatCompletion(json, provider), usage: normaliseOpenAiUsage(json.usage) ?? null };
  }
  if (dialect === "bedrock-converse") {
    return { events: decodeConverseResponse(json, provider), usage: normaliseConverseUsage(json.usage) };
  }
  if (dialect === "gemini") {
    return {
      events: decodeGenerateContentResponse(json, provider),
      usage: normaliseGeminiUsage(json.usageMetadata),
    };
  }
  return { events: decodeMessagesResponse(json, provider), usage: normaliseAnthropicUsage(json.usage) };
}
