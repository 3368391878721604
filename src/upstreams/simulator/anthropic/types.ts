/**
 * Public types of the Anthropic Messages simulator: a real HTTP server on
 * 127.0.0.1 that speaks Anthropic's wire format (DESIGN §12) — `POST
 * /v1/messages` (JSON and SSE), `POST /v1/messages/count_tokens`, `GET
 * /v1/models`. With no script it answers deterministically; a script can make
 * any request fail in a named way. Hits, aborts and the returned `Simulator`
 * are the same shapes as the OpenAI simulator's.
 */
import type { SimulatorRequest, SseFault, UsageOverride } from "../types.js";

/** The `error.type` values Anthropic documents (the list may grow; any string is accepted). */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "timeout_error"
  | "api_error"
  | "overloaded_error";

/** The object inside `{"type":"error","error":{…},"request_id":…}` and inside an SSE `event: error`. */
export interface AnthropicErrorObject {
  type: AnthropicErrorType | (string & {});
  message: string;
}

/** Answer normally, optionally with different text, usage, model name, headers or pacing. */
export interface AnthropicRespondBehavior {
  kind: "respond";
  /** Replaces the generated text answer (and suppresses the tool call); stop sequences and max_tokens still apply. */
  text?: string;
  /**
   * Usage sent in the message (JSON), in `message_start` and — unless
   * `deltaUsage` is given — in `message_delta`. "omit" leaves `usage` out.
   * Any other value is sent verbatim (negative, fractional, mistyped…).
   */
  usage?: UsageOverride;
  /** Usage sent in `message_delta` only (streaming). */
  deltaUsage?: UsageOverride;
  /** Model name to report instead of the requested one (silent substitution). */
  model?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Delay between SSE events. */
  chunkDelayMs?: number;
}

/** An HTTP error with Anthropic's envelope (or any body) and headers. */
export interface AnthropicErrorBehavior {
  kind: "error";
  status: number;
  /** Replaces the envelope entirely; a string is sent as-is (text/plain). */
  body?: unknown;
  /** `error.type`; defaults to the documented type for the status. */
  type?: string;
  /** `error.message`; defaults to the real API's wording for the status. */
  message?: string;
  headers?: Record<string, string>;
  /** `retry-after` seconds; defaults to 1 for 429, absent otherwise. `null` omits it. */
  retryAfter?: number | null;
}

/** After `afterEvents` SSE events (pings included) send `event: error` and end: no message_delta/message_stop. */
export interface AnthropicStreamErrorBehavior {
  kind: "stream-error";
  afterEvents: number;
  /** Defaults to `{"type":"overloaded_error","message":"Overloaded"}`. */
  error?: Partial<AnthropicErrorObject>;
  text?: string;
}

/** Destroy the socket after `afterEvents` SSE events: no message_stop. Non-streaming: half the JSON body. */
export interface AnthropicDisconnectBehavior {
  kind: "disconnect";
  afterEvents: number;
  text?: string;
}

/** Send response headers, then nothing until the client gives up. */
export interface AnthropicStallAfterHeadersBehavior {
  kind: "stall-after-headers";
  /** SSE headers when true; defaults to the request's `stream` flag. */
  stream?: boolean;
}

/** Accept the request and never answer. */
export interface AnthropicStallBeforeHeadersBehavior {
  kind: "stall-before-headers";
}

/** The normal response written `bytesPerWrite` bytes at a time, splitting UTF-8 sequences and lines. */
export interface AnthropicTrickleBehavior {
  kind: "trickle";
  /** Defaults to 1. */
  bytesPerWrite?: number;
  /** Delay between writes; defaults to 1 ms. */
  delayMs?: number;
  text?: string;
}

/** A stream with SSE grammar faults (the OpenAI simulator's catalogue C3 faults, on Anthropic events). */
export interface AnthropicMalformedSseBehavior {
  kind: "malformed-sse";
  faults: readonly SseFault[];
  /** Where the non-JSON / missing-blank-line / unknown-event faults go; defaults to 1 (after message_start). */
  atEvent?: number;
  text?: string;
}

/** Every behaviour may wait before doing anything (a client abort during the wait is observed). */
export interface AnthropicBehaviorTiming {
  delayMs?: number;
}

export type AnthropicBehavior = (
  | AnthropicRespondBehavior
  | AnthropicErrorBehavior
  | AnthropicStreamErrorBehavior
  | AnthropicDisconnectBehavior
  | AnthropicStallAfterHeadersBehavior
  | AnthropicStallBeforeHeadersBehavior
  | AnthropicTrickleBehavior
  | AnthropicMalformedSseBehavior
) &
  AnthropicBehaviorTiming;

export type AnthropicBehaviorKind = AnthropicBehavior["kind"];

/** Chooses a behaviour per request; `undefined` means the default deterministic answer. */
export type AnthropicScript = (req: SimulatorRequest) => AnthropicBehavior | undefined;

export interface AnthropicSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  script?: AnthropicScript;
  /** When set, requests must carry `x-api-key: <apiKey>` (or `Authorization: Bearer <apiKey>`). */
  apiKey?: string;
  /** Values that must never arrive: a request carrying one is answered 451 and its hit marked. */
  forbidden?: readonly string[];
}
