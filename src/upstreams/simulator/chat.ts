/**
 * The normal Chat Completions answer, JSON or SSE, shared by the default
 * behaviour, `respond`, and the fault behaviours that distort a normal answer.
 */
import { renderCompletion } from "./completion.js";
import { type PlanOverrides, planResponse } from "./generate.js";
import { type Exchange, finish, pause, SSE_HEADERS, sendJson, write, writeHead } from "./io.js";
import type { ChatRequestView } from "./request.js";
import { buildStreamFrames, type SseFrame, serializeFrame } from "./stream.js";

export interface ChatAnswerOptions extends PlanOverrides {
  headers?: Record<string, string>;
  chunkDelayMs?: number;
}

/** The SSE frames of a streamed answer (ending with [DONE]). */
export function chatFrames(view: ChatRequestView, overrides: PlanOverrides = {}): SseFrame[] {
  return buildStreamFrames(planResponse(view, overrides), view.includeUsage);
}

/** The complete JSON body of a non-streamed answer. */
export function chatJson(view: ChatRequestView, overrides: PlanOverrides = {}): string {
  return JSON.stringify(renderCompletion(planResponse(view, overrides)));
}

export function startSse(ex: Exchange, status = 200, headers: Record<string, string> = {}): void {
  writeHead(ex, status, { ...SSE_HEADERS, ...headers });
  ex.res.flushHeaders();
  ex.res.socket?.setNoDelay(true);
}

/** Writes frames one by one; resolves false if the client went away. */
export async function writeFrames(ex: Exchange, frames: readonly SseFrame[], delayMs = 0): Promise<boolean> {
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && !(await pause(ex.res, delayMs))) return false;
    if (!(await write(ex.res, serializeFrame(frame)))) return false;
  }
  return true;
}

export async function answerChat(
  ex: Exchange,
  view: ChatRequestView,
  options: ChatAnswerOptions = {},
): Promise<void> {
  const headers = options.headers ?? {};
  if (!view.stream) {
    const plan = planResponse(view, options);
    sendJson(ex, 200, renderCompletion(plan), headers);
    return;
  }
  startSse(ex, 200, headers);
  if (await writeFrames(ex, chatFrames(view, options), options.chunkDelayMs ?? 0)) finish(ex);
}
