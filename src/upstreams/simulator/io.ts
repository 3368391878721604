/**
 * Low-level response writing for the simulator: back-pressure-aware writes that
 * stop as soon as the client is gone, abortable sleeps, and the response
 * headers a real OpenAI endpoint sends.
 */
import type { ServerResponse } from "node:http";
import { SIMULATOR_ORG_ID } from "./errors.js";
import { randomId } from "./generate.js";
import type { SimulatorHit } from "./types.js";

/** One request being answered. `cut()` destroys the socket on purpose (not counted as a client abort). */
export interface Exchange {
  res: ServerResponse;
  hit: SimulatorHit;
  cut(): void;
}

export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

/** Resolves when the response's connection closes (client abort, cut, or server shutdown). */
export function closed(res: ServerResponse): Promise<void> {
  if (isGone(res)) return Promise.resolve();
  return new Promise((resolve) => res.once("close", () => resolve()));
}

/** Resolves on the first of `events` from `emitter`, removing every listener it added. */
function firstOf(emitter: NodeJS.EventEmitter, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of events) emitter.off(event, done);
      resolve();
    };
    for (const event of events) emitter.on(event, done);
  });
}

/** Waits `ms`, or less if the client goes away first. Resolves true if the client is still there. */
export async function pause(res: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0 || isGone(res)) return !isGone(res);
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on("close", done);
  });
  return !isGone(res);
}

/** Writes a chunk, waiting for drain when the socket buffer is full. Resolves false if the client is gone. */
export async function write(res: ServerResponse, chunk: string | Buffer): Promise<boolean> {
  if (isGone(res)) return false;
  if (!res.write(chunk)) await firstOf(res, ["drain", "close"]);
  return !isGone(res);
}

/** Ends the response and records when it finished. */
export function finish(ex: Exchange, chunk?: string | Buffer): void {
  if (isGone(ex.res)) return;
  ex.res.end(chunk, () => {
    ex.hit.finishedAt = Date.now();
  });
}

/** Writes everything written so far to the socket, then destroys it: the peer sees a premature close. */
export async function cutAfterFlush(ex: Exchange): Promise<void> {
  const socket = ex.res.socket;
  if (socket === null || socket.destroyed) return;
  // 'drain' only fires after a refused write, so poll the kernel hand-off instead (bounded).
  for (let waited = 0; socket.writableLength > 0 && !socket.destroyed && waited < 2_000; waited += 2) {
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
  await new Promise<void>((resolve) => setTimeout(resolve, 5));
  ex.hit.finishedAt = Date.now();
  ex.cut();
}

/** Headers OpenAI sends with every answer (request id, version, rate limits, org, a Cloudflare cookie). */
export function upstreamHeaders(): Record<string, string> {
  return {
    "x-request-id": `req_${randomId(32)}`,
    "openai-version": "2020-10-01",
    "openai-processing-ms": "12",
    "openai-organization": SIMULATOR_ORG_ID,
    "openai-project": "proj_0vertSimu1at0rPr0ject",
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-remaining-requests": "9999",
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-limit-tokens": "30000000",
    "x-ratelimit-remaining-tokens": "29999000",
    "x-ratelimit-reset-tokens": "2ms",
    "set-cookie": "__cf_bm=simulated-cookie; path=/; HttpOnly; Secure; SameSite=None",
  };
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

export function writeHead(ex: Exchange, status: number, headers: Record<string, string | number>): void {
  if (isGone(ex.res) || ex.res.headersSent) return;
  ex.res.writeHead(status, { ...upstreamHeaders(), ...headers });
  ex.hit.status = status;
}

/** A complete JSON answer with Content-Length. */
export function sendJson(
  ex: Exchange,
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
