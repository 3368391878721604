/**
 * Responses client ↔ an upstream serving the Responses API: events pass through as
 * received (reasoning items and encrypted content survive), usage is read from the
 * terminal event that carries it — response.completed, response.incomplete or
 * response.failed (catalogue C5) — and a failure becomes the relay's scrubbed error.
 */
import { normaliseResponsesUsage } from "../../accounting/openai-usage.js";
import { OvertError } from "../../errors/overt-error.js";
import type { SettledUsage } from "../../ir/usage.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { describeStreamError } from "../../upstreams/openai/adapter.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";
import { parseObject } from "./json-event.js";

const EVENT_NAME = /^[a-z_.]{1,80}$/;

export class ResponsesPassthroughStream implements StreamTranscoder {
  usage: SettledUsage | null = null;
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #secrets: readonly string[];

  constructor(provider: string, secrets: readonly string[]) {
    this.#provider = provider;
    this.#secrets = secrets;
  }

  event(event: EventSourceMessage): StreamStep {
    const data = parseObject(event.data);
    const name = event.event ?? (typeof data?.type === "string" ? data.type : "message");
    if (data === null || !EVENT_NAME.test(name)) {
      return { out: "", failure: new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider }) };
    }
    const response =
      typeof data.response === "object" && data.response !== null
        ? (data.response as Record<string, unknown>)
        : null;
    if (response?.usage !== undefined) this.usage = normaliseResponsesUsage(response.usage) ?? this.usage;
    if (name === "error" || name === "response.failed") {
      const detail = describeStreamError(response?.error ?? data.error ?? data, this.#secrets);
      return {
        out: "",
        failure: new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail }),
      };
    }
    if (typeof data.delta === "string") this.delivered.push(data.delta);
    const line = event.data.includes("\n") ? JSON.stringify(data) : event.data;
    const done = name === "response.completed" || name === "response.incomplete";
    return { out: `event: ${name}\ndata: ${line}\n\n`, done };
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }
}

export class ResponsesPassthroughJson implements JsonTranscoder {
  transcode(json: Record<string, unknown>, raw: Buffer): JsonResult {
    return { ok: true, body: raw, usage: normaliseResponsesUsage(json.usage) ?? null, delivered: [] };
  }
}
