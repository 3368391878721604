/**
 * Streams an upstream SSE response to the client through a StreamTranscoder.
 * Events of one network chunk are handled synchronously and written at once
 * (back-pressure: the upstream is read only when the client has room, C8). A
 * stream that ends without its terminal event, goes idle, sends garbage or an
 * upstream error ends with the client dialect's in-stream error event and a
 * `partial` record — never a made-up terminal event (C1, C3, C4, C11).
 */
import type { Dispatcher } from "undici";
import type { TransportConfig } from "../config/types.js";
import { isOvertError, OvertError } from "../errors/overt-error.js";
import type { ErrorDialect } from "../protocols/dialect.js";
import { SseDecoder } from "../transport/sse-reader.js";
import { transportError, transportFailureKind } from "../transport/transport-errors.js";
import { EVENT_STREAM_TYPE } from "../upstreams/bedrock/adapter.js";
import type { UpstreamFailure } from "../upstreams/openai/adapter.js";
import type { RequestState } from "./attempt-state.js";
import { captureResponse } from "./capture-stage.js";
import type { ClientExchange } from "./exchange.js";
import type { OutputScrubber } from "./output-scrub.js";
import { upstreamResponseIdOf } from "./receipt-facts.js";
import type { StreamTranscoder } from "./transcode.js";
import { BedrockFrames } from "./transcoders/bedrock-frames.js";
import { mediaType } from "./upstream-body.js";

/** Largest SSE event the relay will buffer (an upstream that never ends an event is cut here). */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

export interface SseRelayOptions {
  provider: string;
  /** How the upstream frames its stream: SSE, or AWS event-stream (Bedrock). */
  framing: "sse" | "aws-eventstream";
  transcoder: StreamTranscoder;
  transport: TransportConfig;
  errors: ErrorDialect;
  /** Removes the relay's own upstream keys from client-bound text. */
  scrub: OutputScrubber;
}

export async function relaySse(
  exchange: ClientExchange,
  response: Dispatcher.ResponseData,
  state: RequestState,
  headers: Record<string, string>,
  options: SseRelayOptions,
): Promise<UpstreamFailure | null> {
  const { provider, transcoder } = options;
  const type = mediaType(response.headers["content-type"]);
  const expected = options.framing === "aws-eventstream" ? EVENT_STREAM_TYPE : "text/event-stream";
  if (type !== expected) {
    await response.body.dump();
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider,
        detail: `expected an event stream, got ${type || "no content type"}`,
      }),
      retryable: true,
      retrySame: false,
    };
  }
  const sink = exchange.startStream(headers);
  state.httpStatus = 200;
  state.status = "partial";
  const decoder = options.framing === "aws-eventstream" ? new BedrockFrames(provider) : new SseDecoder();
  let failure: OvertError | null = null;
  let done = false;
  let out = "";
  // The upstream's response id is in its first event or two (chat chunk, message_start…).
  let idProbes = 2;

  const step = (result: { out: string; done?: boolean; failure?: OvertError }): boolean => {
    out += result.out;
    if (result.out.length > 0 && state.firstByteAt === null) state.firstByteAt = performance.now();
    if (result.failure) failure = result.failure;
    if (result.done) done = true;
    return !result.failure && !result.done;
  };

  try {
    let open = true;
    for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
      for (const event of decoder.push(bytes)) {
        if (idProbes > 0 && state.upstreamResponseId === null) {
          idProbes--;
          state.upstreamResponseId = responseIdOf(event.data);
        }
        open = step(transcoder.event(event));
        if (!open) break;
      }
      if (open && decoder.bytesSinceEvent > MAX_EVENT_BYTES) {
        failure = new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider });
        open = false;
      }
      if (out.length > 0) {
        out = options.scrub(out);
        captureResponse(state, out);
        await sink.write(out);
        out = "";
      }
      if (!open) break;
    }
    if (open) {
      for (const event of decoder.end()) if (!step(transcoder.event(event))) break;
      if (!done && failure === null) step(transcoder.end());
    }
  } catch (error) {
    if (exchange.clientGone.aborted || transportFailureKind(error) === "aborted") {
      state.errorCode = "client_disconnected";
    } else if (isOvertError(error)) {
      failure = error; // a malformed upstream frame
    } else {
      failure = transportError(error, provider, options.transport);
    }
  }
  state.usage = transcoder.usage;
  state.deliveredText = transcoder.delivered;
  if (done) state.status = "ok";
  try {
    if (failure !== null) {
      const error: OvertError = failure;
      state.errorCode = error.code;
      out += transcoder.renderFailure?.(error) ?? options.errors.renderStreamError(error, state.requestId);
    }
    if (out.length > 0 && !exchange.clientGone.aborted) {
      out = options.scrub(out);
      captureResponse(state, out);
      await sink.write(out);
    }
  } finally {
    if (!response.body.destroyed) response.body.destroy();
    sink.end();
  }
  return null;
}

function responseIdOf(data: string): string | null {
  if (!data.startsWith("{")) return null;
  try {
    return upstreamResponseIdOf(JSON.parse(data));
  } catch {
    return null;
  }
}
