/**
 * The normal Messages answer, JSON or SSE, shared by the default behaviour,
 * `respond`, and the fault behaviours that distort a normal answer.
 */
import { finish } from "../io.js";
import type { SseFrame } from "../stream.js";
import type { PromptCache } from "./cache.js";
import { type PlanOverrides, planMessage } from "./generate.js";
import { type AnthropicExchange, sendJson, startSse, writeFrames } from "./io.js";
import { renderFrames, renderMessage } from "./render.js";
import type { MessagesView } from "./request.js";

/** A valid Messages request and the simulator's prompt cache. */
export interface MessagesContext {
  view: MessagesView;
  cache: PromptCache;
}

export interface AnswerOptions extends PlanOverrides {
  headers?: Record<string, string>;
  chunkDelayMs?: number;
}

/** The SSE frames of a streamed answer (ending with message_stop). */
export function messageFrames(ctx: MessagesContext, overrides: PlanOverrides = {}): SseFrame[] {
  return renderFrames(planMessage(ctx.view, ctx.cache, overrides));
}

/** The complete JSON body of a non-streamed answer. */
export function messageJson(ctx: MessagesContext, overrides: PlanOverrides = {}): string {
  return JSON.stringify(renderMessage(planMessage(ctx.view, ctx.cache, overrides)));
}

export async function answerMessages(
  ex: AnthropicExchange,
  ctx: MessagesContext,
  options: AnswerOptions = {},
): Promise<void> {
  const headers = options.headers ?? {};
  if (!ctx.view.stream) {
    sendJson(ex, 200, renderMessage(planMessage(ctx.view, ctx.cache, options)), headers);
    return;
  }
  startSse(ex, headers);
  if (await writeFrames(ex, messageFrames(ctx, options), options.chunkDelayMs ?? 0)) finish(ex);
}
