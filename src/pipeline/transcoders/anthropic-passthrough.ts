/**
 * Anthropic client ↔ Anthropic-dialect upstream: events pass through as
 * received (`event:` + `data:`), so thinking signatures and beta event types
 * survive byte for byte; usage is read from message_start and the cumulative
 * message_delta. An upstream `error` event becomes the relay's scrubbed
 * in-stream error; the stream is complete only at message_stop.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { SettledUsage } from "../../ir/usage.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { normaliseAnthropicUsage } from "../../upstreams/anthropic/adapter.js";
import { describeStreamError } from "../../upstreams/openai/adapter.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";
import { parseObject } from "./json-event.js";

/**
 * The Messages stream grammar's event names. Events are forwarded with their
 * payload untouched (new block and delta types — beta features — survive); an
 * event name outside the grammar is ignored, as the catalogue's tolerant parser
 * asks (C3), since no client could act on it.
 */
const KNOWN_EVENTS = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
  "ping",
  "error",
]);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

export class AnthropicPassthroughStream implements StreamTranscoder {
  usage: SettledUsage | null = null;
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #secrets: readonly string[];

  constructor(provider: string, secrets: readonly string[]) {
    this.#provider = provider;
    this.#secrets = secrets;
  }

  event(event: EventSourceMessage): StreamStep {
    // Every Messages event is named; a nameless one is not part of the grammar.
    const name = event.event;
    if (name !== undefined && !KNOWN_EVENTS.has(name)) return { out: "" };
    const data = parseObject(event.data);
    if (data === null || name === undefined) {
      return { out: "", failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }) };
    }
    if (name === "error") {
      const detail = describeStreamError(data.error ?? data, this.#secrets);
      return {
        out: "",
        failure: new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail }),
      };
    }
    if (name === "message_start")
      this.usage = normaliseAnthropicUsage(record(data.message)?.usage, this.usage);
    else if (name === "message_delta") this.usage = normaliseAnthropicUsage(data.usage, this.usage);
    else if (name === "content_block_delta") {
      const delta = record(data.delta);
      const text = delta?.text ?? delta?.thinking ?? delta?.partial_json;
      if (typeof text === "string") this.delivered.push(text);
    }
    const line = event.data.includes("\n") ? JSON.stringify(data) : event.data;
    return { out: `event: ${name}\ndata: ${line}\n\n`, done: name === "message_stop" };
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }
}

export class AnthropicPassthroughJson implements JsonTranscoder {
  transcode(json: Record<string, unknown>, raw: Buffer): JsonResult {
    const usage = normaliseAnthropicUsage(json.usage);
    const delivered: string[] = [];
    if (usage === null && Array.isArray(json.content)) {
      for (const block of json.content) {
        const text = record(block)?.text;
        if (typeof text === "string") delivered.push(text);
      }
    }
    return { ok: true, body: raw, usage, delivered };
  }
}
