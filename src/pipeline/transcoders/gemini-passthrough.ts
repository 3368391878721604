/**
 * Gemini client ↔ Gemini upstream: each upstream chunk (a whole
 * GenerateContentResponse, requested as SSE) is forwarded as received, in the
 * framing the client asked for — SSE (`alt=sse`) or one JSON array. Usage is the
 * cumulative usageMetadata of the latest chunk; the stream is complete when a
 * chunk carries a finishReason (Gemini has no terminal event).
 */
import { OvertError } from "../../errors/overt-error.js";
import type { SettledUsage } from "../../ir/usage.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { normaliseGeminiUsage } from "../../upstreams/gemini/translate-response.js";
import { describeStreamError } from "../../upstreams/openai/adapter.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";
import { parseObject } from "./json-event.js";

function finished(chunk: Record<string, unknown>): boolean {
  const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
  return (
    candidates.length > 0 &&
    candidates.every((c) => typeof (c as { finishReason?: unknown })?.finishReason === "string")
  );
}

function texts(chunk: Record<string, unknown>, into: string[]): void {
  for (const candidate of Array.isArray(chunk.candidates) ? chunk.candidates : []) {
    const parts = (candidate as { content?: { parts?: unknown } })?.content?.parts;
    for (const part of Array.isArray(parts) ? parts : []) {
      const text = (part as { text?: unknown })?.text;
      if (typeof text === "string") into.push(text);
    }
  }
}

export class GeminiPassthroughStream implements StreamTranscoder {
  usage: SettledUsage | null = null;
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #secrets: readonly string[];
  readonly #sse: boolean;
  #count = 0;

  constructor(provider: string, secrets: readonly string[], sse: boolean) {
    this.#provider = provider;
    this.#secrets = secrets;
    this.#sse = sse;
  }

  #frame(json: string): string {
    if (this.#sse) return `data: ${json}\r\n\r\n`;
    return `${this.#count++ === 0 ? "[" : ",\r\n"}${json}`;
  }

  event(event: EventSourceMessage): StreamStep {
    const chunk = parseObject(event.data);
    if (chunk === null)
      return { out: "", failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }) };
    if (chunk.error !== undefined && chunk.error !== null) {
      const detail = describeStreamError(chunk.error, this.#secrets);
      return {
        out: "",
        failure: new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail }),
      };
    }
    this.usage = normaliseGeminiUsage(chunk.usageMetadata) ?? this.usage;
    texts(chunk, this.delivered);
    const out = this.#frame(event.data.includes("\n") ? JSON.stringify(chunk) : event.data);
    if (!finished(chunk)) return { out };
    return { out: this.#sse ? out : `${out}]`, done: true };
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }

  /** In array mode the error must close the array the client is parsing. */
  renderFailure(failure: OvertError): string | undefined {
    if (this.#sse) return undefined;
    const body = JSON.stringify({
      error: { code: failure.status, message: failure.message, status: "UNAVAILABLE" },
    });
    return `${this.#count === 0 ? "[" : ",\r\n"}${body}]`;
  }
}

export class GeminiPassthroughJson implements JsonTranscoder {
  transcode(json: Record<string, unknown>, raw: Buffer): JsonResult {
    const delivered: string[] = [];
    texts(json, delivered);
    return { ok: true, body: raw, usage: normaliseGeminiUsage(json.usageMetadata), delivered };
  }
}
