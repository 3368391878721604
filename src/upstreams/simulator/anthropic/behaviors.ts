/**
 * Runs one scripted AnthropicBehavior. Behaviours that distort a normal answer
 * need a valid Messages request; for any other request they fall back to the
 * 400 a real upstream would send.
 */
import { closed, cutAfterFlush, finish, pause, SSE_HEADERS, write } from "../io.js";
import { isRecord } from "../request.js";
import { renderMalformed } from "../sse-faults.js";
import { serializeFrame } from "../stream.js";
import { answerMessages, type MessagesContext, messageFrames, messageJson } from "./answer.js";
import { anthropicEnvelope, defaultAnthropicError, invalidRequest, statusForType } from "./errors.js";
import {
  type AnthropicExchange,
  rateLimitHeaders,
  sendError,
  sendJson,
  startSse,
  writeFrames,
  writeHead,
} from "./io.js";
import { errorFrame } from "./render.js";
import type { AnthropicBehavior, AnthropicErrorBehavior, AnthropicErrorObject } from "./types.js";

/** A parsed Messages request, or the 400 it earned, or null when the request is not a Messages request. */
export type BehaviorContext = MessagesContext | AnthropicErrorObject | null;

function isMessages(ctx: BehaviorContext): ctx is MessagesContext {
  return ctx !== null && "view" in ctx;
}

/** Answers a request that a Messages-only behaviour cannot apply to. */
function refuse(ex: AnthropicExchange, ctx: BehaviorContext): void {
  const error =
    ctx !== null && !isMessages(ctx) ? ctx : invalidRequest("This endpoint expects a Messages request.");
  sendError(ex, 400, error);
}

function sendScriptedError(
  ex: AnthropicExchange,
  behavior: AnthropicErrorBehavior,
  ctx: BehaviorContext,
): void {
  const status = behavior.status;
  const headers: Record<string, string> = status === 429 ? rateLimitHeaders(true) : {};
  const retryAfter = behavior.retryAfter === undefined ? (status === 429 ? 1 : null) : behavior.retryAfter;
  if (retryAfter !== null) headers["retry-after"] = String(retryAfter);
  Object.assign(headers, behavior.headers);
  if (typeof behavior.body === "string") {
    writeHead(ex, status, { "content-type": "text/plain; charset=utf-8", ...headers });
    finish(ex, behavior.body);
    return;
  }
  const model = isMessages(ctx) ? ctx.view.model : undefined;
  const error = defaultAnthropicError(status, { type: behavior.type, message: behavior.message, model });
  sendJson(ex, status, behavior.body ?? anthropicEnvelope(error, ex.requestId), headers);
}

async function trickle(
  ex: AnthropicExchange,
  payload: string,
  stream: boolean,
  step: number,
  delayMs?: number,
) {
  const bytes = Buffer.from(payload, "utf8");
  if (stream) writeHead(ex, 200, SSE_HEADERS);
  else writeHead(ex, 200, { "content-type": "application/json", "content-length": bytes.length });
  ex.res.socket?.setNoDelay(true);
  for (let offset = 0; offset < bytes.length; offset += step) {
    if (offset > 0 && !(await pause(ex.res, delayMs ?? 1))) return;
    if (offset > 0 && delayMs === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!(await write(ex.res, bytes.subarray(offset, offset + step)))) return;
  }
  finish(ex);
}

export async function runAnthropicBehavior(
  ex: AnthropicExchange,
  behavior: AnthropicBehavior,
  ctx: BehaviorContext,
): Promise<void> {
  if (!(await pause(ex.res, behavior.delayMs ?? 0))) return;
  switch (behavior.kind) {
    case "respond": {
      if (!isMessages(ctx)) return refuse(ex, ctx);
      const { text, usage, deltaUsage, model, headers, chunkDelayMs } = behavior;
      return answerMessages(ex, ctx, { text, usage, deltaUsage, model, headers, chunkDelayMs });
    }
    case "error":
      return sendScriptedError(ex, behavior, ctx);
    case "stall-after-headers": {
      if (behavior.stream ?? (isMessages(ctx) && ctx.view.stream)) startSse(ex);
      else {
        writeHead(ex, 200, { "content-type": "application/json" });
        ex.res.flushHeaders();
      }
      return closed(ex.res);
    }
    case "stall-before-headers":
      return closed(ex.res);
    case "trickle": {
      if (!isMessages(ctx)) return refuse(ex, ctx);
      const overrides = { text: behavior.text };
      const stream = ctx.view.stream;
      const payload = stream
        ? messageFrames(ctx, overrides).map(serializeFrame).join("")
        : messageJson(ctx, overrides);
      return trickle(ex, payload, stream, Math.max(1, behavior.bytesPerWrite ?? 1), behavior.delayMs);
    }
    case "malformed-sse": {
      if (!isMessages(ctx)) return refuse(ex, ctx);
      const frames = messageFrames(ctx, { text: behavior.text });
      startSse(ex);
      if (await write(ex.res, renderMalformed(frames, behavior.faults, behavior.atEvent ?? 1))) finish(ex);
      return;
    }
    case "disconnect": {
      if (!isMessages(ctx)) return refuse(ex, ctx);
      if (!ctx.view.stream) {
        const json = messageJson(ctx, { text: behavior.text });
        writeHead(ex, 200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
        if (await write(ex.res, json.slice(0, Math.floor(json.length / 2)))) await cutAfterFlush(ex);
        return;
      }
      const frames = messageFrames(ctx, { text: behavior.text }).slice(0, -1);
      startSse(ex);
      if (await writeFrames(ex, frames.slice(0, Math.max(0, behavior.afterEvents)))) await cutAfterFlush(ex);
      return;
    }
    case "stream-error": {
      if (!isMessages(ctx)) return refuse(ex, ctx);
      const error: AnthropicErrorObject = {
        ...defaultAnthropicError(529),
        ...(isRecord(behavior.error) ? behavior.error : {}),
      };
      if (!ctx.view.stream) return sendError(ex, statusForType(error.type), error);
      const frames = messageFrames(ctx, { text: behavior.text }).slice(0, -2);
      startSse(ex);
      if (!(await writeFrames(ex, frames.slice(0, Math.max(0, behavior.afterEvents))))) return;
      if (await write(ex.res, serializeFrame(errorFrame(error)))) finish(ex);
      return;
    }
  }
}

/** True when a value is a usable behaviour object (scripts are typed, but tests may build them dynamically). */
export function isAnthropicBehavior(value: unknown): value is AnthropicBehavior {
  return isRecord(value) && typeof value["kind"] === "string";
}
