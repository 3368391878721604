/**
 * Streaming OpenAI-dialect response. Each upstream event is parsed (for usage and
 * to refuse garbage) and re-emitted as one `data:` line, so content can never
 * inject events (catalogue C9). The usage-only chunk the relay asked for is held
 * back unless the client asked for it too. A stream that ends without `[DONE]`,
 * goes idle, carries invalid JSON or an upstream error ends with an in-stream
 * error event and a `partial` record — never a synthesized `[DONE]` (C1, C3, C4, C11).
 */
import type { Dispatcher } from "undici";
import { normaliseOpenAiUsage } from "../accounting/openai-usage.js";
import type { ResolvedProvider, TransportConfig } from "../config/types.js";
import { OvertError } from "../errors/overt-error.js";
import type { ErrorDialect } from "../protocols/dialect.js";
import { type EventSourceMessage, SseDecoder } from "../transport/sse-reader.js";
import { transportError, transportFailureKind } from "../transport/transport-errors.js";
import { describeStreamError, type UpstreamFailure } from "../upstreams/openai/adapter.js";
import type { RequestState } from "./attempt-state.js";
import type { ClientExchange } from "./exchange.js";
import { mediaType } from "./upstream-body.js";

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

/** Largest SSE event the relay will buffer (an upstream that never ends an event is cut here). */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

/** Moonshot (Kimi) reports stream usage inside the final choice rather than at the top level. */
function choiceUsage(chunk: ChunkView): unknown {
  if (!Array.isArray(chunk.choices)) return undefined;
  return (chunk.choices[0] as { usage?: unknown } | undefined)?.usage;
}

export interface SseRelayOptions {
  clientWantsUsage: boolean;
  transport: TransportConfig;
  errors: ErrorDialect;
}

export async function relaySse(
  exchange: ClientExchange,
  response: Dispatcher.ResponseData,
  provider: ResolvedProvider,
  state: RequestState,
  headers: Record<string, string>,
  options: SseRelayOptions,
): Promise<UpstreamFailure | null> {
  const type = mediaType(response.headers["content-type"]);
  if (type !== "text/event-stream") {
    await response.body.dump();
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider: provider.id,
        detail: `expected an event stream, got ${type || "no content type"}`,
      }),
      retryable: true,
      retrySame: false,
    };
  }
  const sink = exchange.startStream(headers);
  state.httpStatus = 200;
  state.status = "partial";
  const decoder = new SseDecoder();
  let failure: OvertError | null = null;
  let done = false;
  let out = "";

  /** Handles one event synchronously, appending to `out`; returns false when the stream must stop. */
  const handle = (event: EventSourceMessage): boolean => {
    if (event.event !== undefined && event.event !== "message" && event.event !== "error") return true;
    if (event.data === "[DONE]") {
      state.status = "ok";
      done = true;
      out += "data: [DONE]\n\n";
      return false;
    }
    let chunk: ChunkView;
    try {
      chunk = JSON.parse(event.data) as ChunkView;
      if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk))
        throw new Error("not an object");
    } catch {
      failure = new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: provider.id });
      return false;
    }
    // Usage first: a terminal error event may carry it too (catalogue C5).
    const usage = chunk.usage ?? choiceUsage(chunk);
    if (usage !== undefined && usage !== null) state.usage = normaliseOpenAiUsage(usage) ?? state.usage;
    if (chunk.error !== undefined || event.event === "error") {
      const detail = describeStreamError(provider, chunk.error ?? chunk);
      failure = new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: provider.id, detail });
      return false;
    }
    if (usage !== undefined && usage !== null) {
      const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0;
      if (usageOnly && !options.clientWantsUsage) return true;
    }
    deltaText(chunk, state.deliveredText);
    if (state.firstByteAt === null) state.firstByteAt = performance.now();
    out += `data: ${event.data.includes("\n") ? JSON.stringify(chunk) : event.data}\n\n`;
    return true;
  };
  const handleAll = (events: EventSourceMessage[]): boolean => {
    for (const event of events) if (!handle(event)) return false;
    return true;
  };

  try {
    let open = true;
    for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
      open = handleAll(decoder.push(bytes));
      if (open && decoder.bytesSinceEvent > MAX_EVENT_BYTES) {
        failure = new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: provider.id });
        open = false;
      }
      if (out.length > 0) {
        await sink.write(out);
        out = "";
      }
      if (!open) break;
    }
    if (open) {
      handleAll(decoder.end());
      if (!done && failure === null) {
        failure = new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: provider.id });
      }
    }
  } catch (error) {
    if (exchange.clientGone.aborted || transportFailureKind(error) === "aborted") {
      state.errorCode = "client_disconnected";
    } else {
      failure = transportError(error, provider.id, options.transport);
    }
  }
  try {
    if (failure !== null) {
      const error: OvertError = failure;
      state.errorCode = error.code;
      out += options.errors.renderStreamError(error, state.requestId);
    }
    if (out.length > 0 && !exchange.clientGone.aborted) await sink.write(out);
  } finally {
    if (!response.body.destroyed) response.body.destroy();
    sink.end();
  }
  return null;
}
