/**
 * A translated exchange: upstream decoder → IR events → client encoder, for any
 * pair (pipeline/plan.ts picks them). Usage comes from the upstream decoder.
 */
import { errorFromEvent, isOvertError, OvertError } from "../../errors/overt-error.js";
import { PseudonymRestorer } from "../../guard/restore.js";
import type { IrEvent } from "../../ir/stream.js";
import type { SettledUsage } from "../../ir/usage.js";
import type { ClientDialect } from "../../protocols/codec.js";
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import type { JsonResult, JsonTranscoder, StreamStep, StreamTranscoder } from "../transcode.js";
import {
  type ClientStreamEncoder,
  clientStreamEncoder,
  type EncoderOptions,
  encodeClientBody,
} from "./client-encoders.js";
import {
  decodeUpstreamBody,
  type UpstreamDialect,
  type UpstreamStreamDecoder,
  upstreamStreamDecoder,
} from "./upstream-decoders.js";

function collect(events: readonly IrEvent[], into: string[]): void {
  for (const e of events) {
    if (e.type === "text_delta" || e.type === "thinking_delta") into.push(e.text);
    else if (e.type === "tool_call_delta") into.push(e.argumentsJson);
  }
}

export class TranslatedStream implements StreamTranscoder {
  readonly delivered: string[] = [];
  readonly #provider: string;
  readonly #upstream: UpstreamStreamDecoder;
  readonly #client: ClientStreamEncoder;
  readonly #restorer: PseudonymRestorer | null;
  #upstreamFailed: string | undefined;

  /** `restore`: pseudonyms the guard used in the request, put back in the answer. */
  constructor(
    upstream: UpstreamDialect,
    client: ClientDialect,
    options: EncoderOptions,
    restore?: ReadonlyMap<string, string>,
  ) {
    this.#provider = options.provider;
    this.#upstream = upstreamStreamDecoder(upstream, options.provider);
    this.#client = clientStreamEncoder(client, options);
    this.#restorer = restore && restore.size > 0 ? new PseudonymRestorer(restore) : null;
  }

  get usage(): SettledUsage | null {
    return this.#upstream.usage;
  }

  renderFailure(failure: OvertError): string | undefined {
    return this.#client.error?.(failure);
  }

  event(event: EventSourceMessage): StreamStep {
    const step = this.#upstream.push(event);
    const client = this.#client;
    const delivered = this.delivered;
    let out = "";
    const events = this.#restorer ? this.#restorer.push(step.events) : step.events;
    if (step.done && this.#restorer) events.push(...this.#restorer.end());
    try {
      for (const e of events) {
        switch (e.type) {
          case "text_delta":
          case "thinking_delta":
            delivered.push(e.text);
            break;
          case "tool_call_delta":
            delivered.push(e.argumentsJson);
            break;
          case "error":
            return { out, failure: errorFromEvent(e.code, e.message, "OVT_ERR_UPSTREAM_STREAM_ERROR") };
          case "finish":
            if (e.reason === "error") this.#upstreamFailed = e.rawReason ?? "error";
            break;
        }
        out += client.push(e);
      }
    } catch (error) {
      if (isOvertError(error)) return { out, failure: error };
      throw error;
    }
    if (step.failure) return { out, failure: step.failure };
    if (!step.done) return { out };
    if (this.#upstreamFailed !== undefined) {
      const detail = this.#upstreamFailed;
      return {
        out,
        failure: new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider: this.#provider, detail }),
      };
    }
    const tail = this.#client.end();
    return tail.failure
      ? { out: out + tail.out, failure: tail.failure }
      : { out: out + tail.out, done: true };
  }

  end(): StreamStep {
    return {
      out: "",
      failure: new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: this.#provider }),
    };
  }
}

export class TranslatedJson implements JsonTranscoder {
  readonly #upstream: UpstreamDialect;
  readonly #client: ClientDialect;
  readonly #options: EncoderOptions;
  readonly #restore: ReadonlyMap<string, string> | undefined;

  constructor(
    upstream: UpstreamDialect,
    client: ClientDialect,
    options: EncoderOptions,
    restore?: ReadonlyMap<string, string>,
  ) {
    this.#upstream = upstream;
    this.#client = client;
    this.#options = options;
    this.#restore = restore;
  }

  transcode(json: Record<string, unknown>): JsonResult {
    try {
      const decoded = decodeUpstreamBody(this.#upstream, json, this.#options.provider);
      const usage = decoded.usage;
      let events = decoded.events;
      if (this.#restore && this.#restore.size > 0) {
        const restorer = new PseudonymRestorer(this.#restore);
        events = [...restorer.push(events), ...restorer.end()];
      }
      const delivered: string[] = [];
      collect(events, delivered);
      return { ok: true, body: encodeClientBody(this.#client, events, this.#options), usage, delivered };
    } catch (error) {
      if (isOvertError(error)) return { ok: false, error };
      throw error;
    }
  }
}
