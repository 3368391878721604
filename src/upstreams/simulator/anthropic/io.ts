/**
 * Response writing for the Anthropic simulator: the headers api.anthropic.com
 * sends (request-id, anthropic-organization-id, the anthropic-ratelimit-*
 * family with RFC 3339 resets), JSON answers and SSE streams. Writes, pauses
 * and cuts reuse the OpenAI simulator's back-pressure-aware helpers.
 */
import { randomId } from "../generate.js";
import { type Exchange, finish, isGone, pause, SSE_HEADERS, write } from "../io.js";
import { type SseFrame, serializeFrame } from "../stream.js";
import { ANTHROPIC_SIMULATOR_ORG_ID, anthropicEnvelope } from "./errors.js";
import type { AnthropicErrorObject } from "./types.js";

/** One request being answered, with the request id every response (and error envelope) carries. */
export interface AnthropicExchange extends Exchange {
  requestId: string;
}

/** `req_011C…`, the shape of Anthropic's request ids. */
export function newRequestId(): string {
  return `req_011C${randomId(20)}`;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Rate-limit headers; `exhausted` reports zero remaining requests (as on a 429). */
export function rateLimitHeaders(exhausted = false): Record<string, string> {
  const now = Date.now();
  const reset = rfc3339(now + 1_000);
  const headers: Record<string, string> = {};
  const families: [string, number, number][] = [
    ["requests", 4_000, exhausted ? 0 : 3_999],
    ["tokens", 2_400_000, 2_399_000],
    ["input-tokens", 2_000_000, 1_999_000],
    ["output-tokens", 400_000, 400_000],
  ];
  for (const [name, limit, remaining] of families) {
    headers[`anthropic-ratelimit-${name}-limit`] = String(limit);
    headers[`anthropic-ratelimit-${name}-remaining`] = String(remaining);
    headers[`anthropic-ratelimit-${name}-reset`] = name === "requests" && exhausted ? reset : rfc3339(now);
  }
  return headers;
}

/** Headers Anthropic sends with every answer. */
export function anthropicHeaders(requestId: string): Record<string, string> {
  return {
    "request-id": requestId,
    "anthropic-organization-id": ANTHROPIC_SIMULATOR_ORG_ID,
    ...rateLimitHeaders(),
    "x-robots-tag": "none",
    via: "1.1 google",
    server: "cloudflare",
  };
}

export function writeHead(
  ex: AnthropicExchange,
  status: number,
  headers: Record<string, string | number>,
): void {
  if (isGone(ex.res) || ex.res.headersSent) return;
  ex.res.writeHead(status, { ...anthropicHeaders(ex.requestId), ...headers });
  ex.hit.status = status;
}

/** A complete JSON answer with Content-Length. */
export function sendJson(
  ex: AnthropicExchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  writeHead(ex, status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  finish(ex, text);
}

/** An error envelope carrying this exchange's request id. */
export function sendError(
  ex: AnthropicExchange,
  status: number,
  error: AnthropicErrorObject,
  headers: Record<string, string> = {},
): void {
  sendJson(ex, status, anthropicEnvelope(error, ex.requestId), headers);
}

export function startSse(ex: AnthropicExchange, headers: Record<string, string> = {}): void {
  writeHead(ex, 200, { ...SSE_HEADERS, ...headers });
  ex.res.flushHeaders();
  ex.res.socket?.setNoDelay(true);
}

/** Writes frames one by one; resolves false if the client went away. */
export async function writeFrames(
  ex: AnthropicExchange,
  frames: readonly SseFrame[],
  delayMs = 0,
): Promise<boolean> {
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && !(await pause(ex.res, delayMs))) return false;
    if (!(await write(ex.res, serializeFrame(frame)))) return false;
  }
  return true;
}
