/**
 * Public types of the Gemini API simulator: a real HTTP server on 127.0.0.1
 * that speaks the Gemini Developer API's wire format (DESIGN §12) —
 * `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent`
 * (SSE with `?alt=sse`, else one JSON array streamed piecewise) and
 * `:countTokens`, `GET /v1beta/models[/{model}]` (also under `/v1`). With no
 * script it answers deterministically; a script can make any request fail in
 * a named way. Hits, aborts and the returned `Simulator` are the same shapes
 * as the OpenAI simulator's.
 */
import type { SimulatorRequest, SseFault, UsageOverride } from "../types.js";

/** The google.rpc status names the Gemini API answers with. */
export type GeminiStatusName =
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "CANCELLED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED";

/** The object inside Google's envelope `{"error": {…}}`, in a body or an in-stream chunk. */
export interface GeminiErrorObject {
  code: number;
  message: string;
  status: GeminiStatusName | (string & {});
  details?: unknown[];
}

/** Answer normally, optionally with different text, usage, model version, finish reason, headers or pacing. */
export interface GeminiRespondBehavior {
  kind: "respond";
  /** Replaces the generated text answer (and suppresses the function call); stop sequences and limits still apply. */
  text?: string;
  /**
   * `usageMetadata` of the last chunk (and of the JSON body), sent verbatim
   * (negative, fractional, mistyped…); "omit" leaves it out of every chunk.
   */
  usage?: UsageOverride;
  /** `modelVersion` to report instead of the requested model (silent substitution). */
  model?: string;
  /** `finishReason` to end every candidate with (e.g. "SAFETY", "MALFORMED_FUNCTION_CALL"). */
  finishReason?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Delay between stream chunks. */
  chunkDelayMs?: number;
}

/** An HTTP error with Google's envelope (or any body) and headers. */
export interface GeminiErrorBehavior {
  kind: "error";
  status: number;
  /** Replaces the envelope entirely; a string is sent as-is (text/plain). */
  body?: unknown;
  /** `error.message`; defaults to the real API's wording for the status. */
  message?: string;
  /** `error.status`; defaults to the google.rpc name for the HTTP status. */
  statusName?: string;
  headers?: Record<string, string>;
  /** RetryInfo `retryDelay` in a 429's details; defaults to "13s". `null` omits the RetryInfo. */
  retryDelay?: string | null;
}

/** After `afterChunks` chunks send `{"error": {…}}` as the next chunk and end: no finishReason. */
export interface GeminiStreamErrorBehavior {
  kind: "stream-error";
  afterChunks: number;
  /** Defaults to 503 UNAVAILABLE "The model is overloaded. Please try again later." */
  error?: Partial<GeminiErrorObject>;
  text?: string;
}

/** Destroy the socket after `afterChunks` chunks: no finishReason. Non-streaming: half the JSON body. */
export interface GeminiDisconnectBehavior {
  kind: "disconnect";
  afterChunks: number;
  text?: string;
}

/** Send response headers, then nothing until the client gives up. */
export interface GeminiStallAfterHeadersBehavior {
  kind: "stall-after-headers";
  /** SSE headers when true; defaults to whether the request was `streamGenerateContent?alt=sse`. */
  stream?: boolean;
}

/** Accept the request and never answer. */
export interface GeminiStallBeforeHeadersBehavior {
  kind: "stall-before-headers";
}

/** The normal response written `bytesPerWrite` bytes at a time, splitting UTF-8 sequences and lines. */
export interface GeminiTrickleBehavior {
  kind: "trickle";
  /** Defaults to 1. */
  bytesPerWrite?: number;
  /** Delay between writes; defaults to 1 ms. */
  delayMs?: number;
  text?: string;
}

/** An SSE stream with grammar faults (the OpenAI simulator's catalogue C3 faults, on Gemini chunks). */
export interface GeminiMalformedSseBehavior {
  kind: "malformed-sse";
  faults: readonly SseFault[];
  /** Where the non-JSON / missing-blank-line / unknown-event faults go; defaults to 1. */
  atChunk?: number;
  text?: string;
}

/** Every behaviour may wait before doing anything (a client abort during the wait is observed). */
export interface GeminiBehaviorTiming {
  delayMs?: number;
}

export type GeminiBehavior = (
  | GeminiRespondBehavior
  | GeminiErrorBehavior
  | GeminiStreamErrorBehavior
  | GeminiDisconnectBehavior
  | GeminiStallAfterHeadersBehavior
  | GeminiStallBeforeHeadersBehavior
  | GeminiTrickleBehavior
  | GeminiMalformedSseBehavior
) &
  GeminiBehaviorTiming;

export type GeminiBehaviorKind = GeminiBehavior["kind"];

/** Chooses a behaviour per request; `undefined` means the default deterministic answer. */
export type GeminiScript = (req: SimulatorRequest) => GeminiBehavior | undefined;

export interface GeminiSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  script?: GeminiScript;
  /** When set, requests must carry `x-goog-api-key: <apiKey>` (or `?key=<apiKey>`). */
  apiKey?: string;
  /** Values that must never arrive: a request carrying one is answered 451 and its hit marked. */
  forbidden?: readonly string[];
}
