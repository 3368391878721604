/**
 * The normal generateContent answer (JSON or either stream framing) and the
 * scripted GeminiBehaviors. Behaviours that distort a normal answer need a
 * valid request; for any other they fall back to the 400 a real upstream sends.
 */
import { closed, cutAfterFlush, finish, pause, SSE_HEADERS, write } from "../io.js";
import { isRecord } from "../request.js";
import { renderMalformed } from "../sse-faults.js";
import { googleError, invalidArgument } from "./errors.js";
import { type PlanOverrides, planGenerate } from "./generate.js";
import {
  frame,
  type GeminiExchange,
  JSON_TYPE,
  sendError,
  sendJson,
  startStream,
  streamEnd,
  writeChunks,
  writeHead,
} from "./io.js";
import { errorChunk, renderChunks, renderJson } from "./render.js";
import type { GenerateView } from "./request.js";
import type { GeminiBehavior, GeminiErrorBehavior, GeminiErrorObject } from "./types.js";

/** A valid generate request and whether it asked for a stream. */
export interface GenerateContext {
  view: GenerateView;
  stream: boolean;
}

/** A generate request, the 400 it earned, or null for other endpoints. */
export type BehaviorContext = GenerateContext | GeminiErrorObject | null;

function isGenerate(ctx: BehaviorContext): ctx is GenerateContext {
  return ctx !== null && "view" in ctx;
}

export interface AnswerOptions extends PlanOverrides {
  headers?: Record<string, string>;
  chunkDelayMs?: number;
}

export async function answerGenerate(ex: GeminiExchange, ctx: GenerateContext, options: AnswerOptions = {}) {
  const plan = planGenerate(ctx.view, options);
  const headers = options.headers ?? {};
  if (!ctx.stream) return sendJson(ex, 200, renderJson(plan), headers);
  const chunks = renderChunks(plan);
  startStream(ex, headers);
  if (await writeChunks(ex, chunks, options.chunkDelayMs ?? 0)) finish(ex, streamEnd(ex, chunks.length));
}

function refuse(ex: GeminiExchange, ctx: BehaviorContext): void {
  sendError(
    ex,
    ctx !== null && !isGenerate(ctx)
      ? ctx
      : invalidArgument("This endpoint expects a generateContent request."),
  );
}

function sendScriptedError(ex: GeminiExchange, behavior: GeminiErrorBehavior, ctx: BehaviorContext): void {
  const headers = { ...behavior.headers };
  if (typeof behavior.body === "string") {
    writeHead(ex, behavior.status, { "content-type": "text/plain; charset=utf-8", ...headers });
    finish(ex, behavior.body);
    return;
  }
  if (behavior.body !== undefined) {
    sendJson(ex, behavior.status, behavior.body, headers);
    return;
  }
  const error = googleError(behavior.status, {
    message: behavior.message,
    statusName: behavior.statusName,
    model: isGenerate(ctx) ? ctx.view.model : undefined,
    retryDelay: behavior.retryDelay,
  });
  sendJson(ex, behavior.status, { error }, headers);
}

async function trickle(ex: GeminiExchange, payload: string, stream: boolean, step: number, delayMs?: number) {
  const bytes = Buffer.from(payload, "utf8");
  if (stream && ex.sse) writeHead(ex, 200, SSE_HEADERS);
  else
    writeHead(ex, 200, { "content-type": JSON_TYPE, ...(stream ? {} : { "content-length": bytes.length }) });
  ex.res.socket?.setNoDelay(true);
  for (let offset = 0; offset < bytes.length; offset += step) {
    if (offset > 0 && !(await pause(ex.res, delayMs ?? 1))) return;
    if (offset > 0 && delayMs === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!(await write(ex.res, bytes.subarray(offset, offset + step)))) return;
  }
  finish(ex);
}

export async function runGeminiBehavior(
  ex: GeminiExchange,
  behavior: GeminiBehavior,
  ctx: BehaviorContext,
): Promise<void> {
  if (!(await pause(ex.res, behavior.delayMs ?? 0))) return;
  switch (behavior.kind) {
    case "respond": {
      if (!isGenerate(ctx)) return refuse(ex, ctx);
      const { text, usage, model, finishReason, headers, chunkDelayMs } = behavior;
      return answerGenerate(ex, ctx, { text, usage, model, finishReason, headers, chunkDelayMs });
    }
    case "error":
      return sendScriptedError(ex, behavior, ctx);
    case "stall-after-headers": {
      const stream = behavior.stream ?? (isGenerate(ctx) && ctx.stream && ex.sse);
      if (stream) startStream({ ...ex, sse: true });
      else {
        writeHead(ex, 200, { "content-type": JSON_TYPE });
        ex.res.flushHeaders();
      }
      return closed(ex.res);
    }
    case "stall-before-headers":
      return closed(ex.res);
    case "trickle": {
      if (!isGenerate(ctx)) return refuse(ex, ctx);
      const plan = planGenerate(ctx.view, { text: behavior.text });
      const chunks = renderChunks(plan);
      const payload = ctx.stream
        ? chunks.map((c, i) => frame(ex, c, i)).join("") + streamEnd(ex, chunks.length)
        : JSON.stringify(renderJson(plan));
      return trickle(ex, payload, ctx.stream, Math.max(1, behavior.bytesPerWrite ?? 1), behavior.delayMs);
    }
    case "malformed-sse": {
      if (!isGenerate(ctx)) return refuse(ex, ctx);
      const chunks = renderChunks(planGenerate(ctx.view, { text: behavior.text }));
      const frames = chunks.map((c) => ({ data: JSON.stringify(c) }));
      startStream({ ...ex, sse: true });
      if (await write(ex.res, renderMalformed(frames, behavior.faults, behavior.atChunk ?? 1))) finish(ex);
      return;
    }
    case "disconnect": {
      if (!isGenerate(ctx)) return refuse(ex, ctx);
      const plan = planGenerate(ctx.view, { text: behavior.text });
      if (!ctx.stream) {
        const json = JSON.stringify(renderJson(plan));
        writeHead(ex, 200, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(json) });
        if (await write(ex.res, json.slice(0, Math.floor(json.length / 2)))) await cutAfterFlush(ex);
        return;
      }
      const chunks = renderChunks(plan).slice(0, -1).slice(0, Math.max(0, behavior.afterChunks));
      startStream(ex);
      if (await writeChunks(ex, chunks)) await cutAfterFlush(ex);
      return;
    }
    case "stream-error": {
      if (!isGenerate(ctx)) return refuse(ex, ctx);
      const error: GeminiErrorObject = {
        ...googleError(503),
        ...(isRecord(behavior.error) ? behavior.error : {}),
      };
      if (!ctx.stream) return sendError(ex, error);
      const chunks = renderChunks(planGenerate(ctx.view, { text: behavior.text }));
      const sent = chunks.slice(0, -1).slice(0, Math.max(0, behavior.afterChunks));
      startStream(ex);
      if (!(await writeChunks(ex, sent))) return;
      const tail = frame(ex, errorChunk(error), sent.length) + (ex.sse ? "" : "]");
      if (await write(ex.res, tail)) finish(ex);
      return;
    }
  }
}

/** True when a value is a usable behaviour object (scripts are typed, but tests may build them dynamically). */
export function isGeminiBehavior(value: unknown): value is GeminiBehavior {
  return isRecord(value) && typeof value["kind"] === "string";
}
