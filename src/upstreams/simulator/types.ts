/**
 * Public types of the upstream simulator: a real HTTP server on 127.0.0.1 that
 * speaks OpenAI Chat Completions (DESIGN §12). With no script it answers
 * deterministically; a script can make any request fail in a named way
 * (security catalogue sections C and D).
 */
import type { IncomingHttpHeaders } from "node:http";

/** One request the simulator received. Mutable: `aborted`/`status` are filled in as the exchange proceeds. */
export interface SimulatorHit {
  /** 0-based position in `Simulator.hits`. */
  index: number;
  method: string;
  /** Request target as sent (path and query), e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received, decoded as UTF-8. */
  rawBody: string;
  /** `JSON.parse(rawBody)`, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** Date.now() when the request body had been read. */
  receivedAt: number;
  /** Status code sent, once headers are out. */
  status?: number;
  /** True when the client went away before the simulator finished its response. */
  aborted: boolean;
  /** Date.now() when the client abort was observed. */
  abortedAt?: number;
  /** Date.now() when the response ended normally (or was cut by a scripted disconnect). */
  finishedAt?: number;
  /** The body carried a value the simulator was told must never arrive (see forbidden.ts). */
  forbidden?: boolean;
}

/** What a script sees of a request. */
export interface SimulatorRequest {
  body: unknown;
  headers: IncomingHttpHeaders;
  path: string;
  hitIndex: number;
}

/** The OpenAI error object inside `{ "error": … }`. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/**
 * Usage override for a `respond` behaviour: "omit" leaves `usage` out entirely
 * (and skips the include_usage chunk); any other value is sent verbatim, so a
 * test can send negative, fractional, absurd or mistyped counts.
 */
export type UsageOverride = "omit" | Record<string, unknown>;

/** Fault kinds a malformed stream can contain (catalogue C3). */
export type SseFault =
  /** A `data:` line that is not JSON, sent after `atChunk` chunks. */
  | "non-json-data"
  /** Two `data:` lines with no blank line between them (they merge into one event whose data is not JSON). */
  | "missing-blank-line"
  /** Every line ends with CRLF instead of LF. */
  | "crlf"
  /** `: ping` comment lines between events. */
  | "comment-ping"
  /** Events with an `event:` type the client does not know. */
  | "unknown-event";

/** Answer normally, optionally with different text, usage, model name, headers or pacing. */
export interface RespondBehavior {
  kind: "respond";
  /** Replaces the generated assistant text (stop / max_tokens still apply). */
  text?: string;
  usage?: UsageOverride;
  /** Model name to report instead of the requested one (silent substitution, D11). */
  model?: string;
  /** Extra response headers (e.g. set-cookie, openai-organization, D10). */
  headers?: Record<string, string>;
  /** Delay between SSE chunks, for slow streams (C6, C8). */
  chunkDelayMs?: number;
}

/** An HTTP error: status, OpenAI error envelope (or any body) and headers (D1–D3). */
export interface ErrorBehavior {
  kind: "error";
  status: number;
  /** Defaults to OpenAI's envelope for the status; a string is sent as-is. */
  body?: unknown;
  /** Used to build the default envelope when `body` is absent. */
  message?: string;
  headers?: Record<string, string>;
}

/** An HTML page, by default with status 200 (CDN challenge, D5). */
export interface HtmlBehavior {
  kind: "html";
  status?: number;
  body?: string;
  /** Defaults to `text/html; charset=utf-8`. */
  contentType?: string;
}

/** A redirect with a Location header (D6, E9). */
export interface RedirectBehavior {
  kind: "redirect";
  /** Defaults to 302. */
  status?: number;
  location: string;
}

/** A 200 JSON-looking body of `bytes` bytes, streamed without buffering (D7, E13). */
export interface HugeBodyBehavior {
  kind: "huge-body";
  bytes: number;
  contentType?: string;
  /** Content-Length to declare; may lie. Omitted → chunked encoding. */
  declaredLength?: number;
}

/** Send response headers, then nothing until the client gives up (C1). */
export interface StallAfterHeadersBehavior {
  kind: "stall-after-headers";
  /** SSE headers when true; defaults to the request's `stream` flag. */
  stream?: boolean;
}

/** Accept the request and never answer (connect OK, headers timeout). */
export interface StallBeforeHeadersBehavior {
  kind: "stall-before-headers";
}

/** The normal response written `bytesPerWrite` bytes at a time, splitting UTF-8 sequences and lines (C2). */
export interface TrickleBehavior {
  kind: "trickle";
  /** Defaults to 1. */
  bytesPerWrite?: number;
  /** Delay between writes; defaults to 1 ms. */
  delayMs?: number;
  text?: string;
}

/** A stream with SSE grammar faults (C3). */
export interface MalformedSseBehavior {
  kind: "malformed-sse";
  faults: readonly SseFault[];
  /** Where the non-JSON / missing-blank-line faults go; defaults to 1 (after the role chunk). */
  atChunk?: number;
  text?: string;
}

/** Destroy the socket after `afterChunks` SSE chunks: no [DONE], no final chunk (C4). */
export interface DisconnectBehavior {
  kind: "disconnect";
  afterChunks: number;
  text?: string;
}

/** After `afterChunks` chunks send `data: {"error":{…}}` and end without [DONE] (C11). */
export interface StreamErrorBehavior {
  kind: "stream-error";
  afterChunks: number;
  error?: Partial<OpenAIErrorObject>;
  text?: string;
}

/** Reflect the request headers into the body (D9). Status ≥ 400 → error envelope; 200 → the assistant text. */
export interface EchoHeadersBehavior {
  kind: "echo-headers";
  /** Defaults to 400. */
  status?: number;
}

/** Every behaviour may wait before doing anything (client abort during the wait is observed). */
export interface BehaviorTiming {
  delayMs?: number;
}

export type Behavior = (
  | RespondBehavior
  | ErrorBehavior
  | HtmlBehavior
  | RedirectBehavior
  | HugeBodyBehavior
  | StallAfterHeadersBehavior
  | StallBeforeHeadersBehavior
  | TrickleBehavior
  | MalformedSseBehavior
  | DisconnectBehavior
  | StreamErrorBehavior
  | EchoHeadersBehavior
) &
  BehaviorTiming;

export type BehaviorKind = Behavior["kind"];

/** Chooses a behaviour per request; `undefined` means the default deterministic answer. */
export type SimulatorScript = (req: SimulatorRequest) => Behavior | undefined;

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  script?: SimulatorScript;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Values that must never arrive: a request carrying one is answered 451 and its hit marked. */
  forbidden?: readonly string[];
}

export interface Simulator {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  hits: SimulatorHit[];
  /** Resolves with the hit once the client aborted it; rejects after `timeoutMs` (default 2000). */
  waitForAbort(hitIndex: number, timeoutMs?: number): Promise<SimulatorHit>;
  close(): Promise<void>;
}
