/**
 * Response writing for the Gemini simulator: the headers Google's front end
 * sends, JSON answers and error envelopes, and streams in both framings.
 * Writes, pauses and cuts reuse the OpenAI simulator's back-pressure-aware helpers.
 */
import { type Exchange, finish, isGone, pause, write } from "../io.js";
import { arrayElement, type Chunk, sseEvent } from "./render.js";
import type { GeminiErrorObject } from "./types.js";

/** One request being answered, with how a stream is framed. */
export interface GeminiExchange extends Exchange {
  /** `alt=sse` framing; otherwise a stream is one JSON array. */
  sse: boolean;
}

export const JSON_TYPE = "application/json; charset=UTF-8";

export function googleHeaders(): Record<string, string> {
  return {
    vary: "Origin, X-Origin, Referer",
    server: "scaffolding on HTTPServer2",
    "x-xss-protection": "0",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "server-timing": "gfet4t7; dur=412",
    "alt-svc": 'h3=":443"; ma=2592000,h3-29=":443"; ma=2592000',
  };
}

export function writeHead(ex: Exchange, status: number, headers: Record<string, string | number>): void {
  if (isGone(ex.res) || ex.res.headersSent) return;
  ex.res.writeHead(status, { ...googleHeaders(), ...headers });
  ex.hit.status = status;
}

export function sendJson(
  ex: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  writeHead(ex, status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text), ...headers });
  finish(ex, text);
}

export function sendError(
  ex: Exchange,
  error: GeminiErrorObject,
  headers: Record<string, string> = {},
): void {
  sendJson(ex, error.code, { error }, headers);
}

/** Stream headers: SSE, or chunked JSON for the array form. */
export function startStream(ex: GeminiExchange, headers: Record<string, string> = {}): void {
  const type: Record<string, string> = ex.sse
    ? { "content-type": "text/event-stream", "cache-control": "no-cache" }
    : { "content-type": JSON_TYPE };
  writeHead(ex, 200, { ...type, ...headers });
  ex.res.flushHeaders();
  ex.res.socket?.setNoDelay(true);
}

/** One chunk in the exchange's framing; `i` is its position (the array form opens with `[`). */
export function frame(ex: GeminiExchange, chunk: Chunk, i: number): string {
  return ex.sse ? sseEvent(chunk) : arrayElement(chunk, i);
}

/** Writes chunks one by one (pausing between them); resolves false if the client went away. */
export async function writeChunks(
  ex: GeminiExchange,
  chunks: readonly Chunk[],
  delayMs = 0,
): Promise<boolean> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0 && !(await pause(ex.res, delayMs))) return false;
    if (!(await write(ex.res, frame(ex, chunk, i)))) return false;
  }
  return true;
}

/** The text that closes a complete stream (the array's `]`; nothing for SSE). */
export function streamEnd(ex: GeminiExchange, written: number): string {
  if (ex.sse) return "";
  return written === 0 ? "[]" : "]";
}
