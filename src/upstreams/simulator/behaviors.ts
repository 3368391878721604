/**
 * Runs one scripted Behavior against a request (catalogue sections C and D).
 * Behaviours that distort a normal answer need a valid chat request; for any
 * other request they fall back to the 400 a real upstream would send.
 */
import { answerChat, chatFrames, chatJson, startSse, writeFrames } from "./chat.js";
import { defaultErrorFor, errorEnvelope } from "./errors.js";
import {
  closed,
  cutAfterFlush,
  type Exchange,
  finish,
  pause,
  SSE_HEADERS,
  sendJson,
  write,
  writeHead,
} from "./io.js";
import { type ChatRequestView, isRecord } from "./request.js";
import { renderMalformed } from "./sse-faults.js";
import { serializeFrame } from "./stream.js";
import type { Behavior, OpenAIErrorObject } from "./types.js";

/** A parsed chat request, or the 400 it earned, or null when the request is not a chat completion. */
export type ChatContext = ChatRequestView | OpenAIErrorObject | null;

const CDN_PAGE =
  "<!DOCTYPE html><html><head><title>Just a moment...</title></head>" +
  "<body><h1>Checking your browser before accessing api.example.com</h1></body></html>";

function isView(chat: ChatContext): chat is ChatRequestView {
  return chat !== null && "messages" in chat;
}

function modelOf(chat: ChatContext): string | undefined {
  return isView(chat) ? chat.model : undefined;
}

/** Answers a request that a chat-only behaviour cannot apply to. */
function refuse(ex: Exchange, chat: ChatContext): void {
  const error =
    chat !== null && !isView(chat) ? chat : defaultErrorFor(400, "This endpoint expects a chat request.");
  sendJson(ex, 400, errorEnvelope(error));
}

export async function runBehavior(ex: Exchange, behavior: Behavior, chat: ChatContext): Promise<void> {
  if (!(await pause(ex.res, behavior.delayMs ?? 0))) return;
  switch (behavior.kind) {
    case "respond": {
      if (!isView(chat)) return refuse(ex, chat);
      const { text, usage, model, headers, chunkDelayMs } = behavior;
      return answerChat(ex, chat, { text, usage, model, headers, chunkDelayMs });
    }
    case "error": {
      const headers = behavior.headers ?? {};
      if (typeof behavior.body === "string") {
        writeHead(ex, behavior.status, { "content-type": "text/plain; charset=utf-8", ...headers });
        return finish(ex, behavior.body);
      }
      const body =
        behavior.body ?? errorEnvelope(defaultErrorFor(behavior.status, behavior.message, modelOf(chat)));
      return sendJson(ex, behavior.status, body, headers);
    }
    case "html":
      writeHead(ex, behavior.status ?? 200, {
        "content-type": behavior.contentType ?? "text/html; charset=utf-8",
      });
      return finish(ex, behavior.body ?? CDN_PAGE);
    case "redirect":
      writeHead(ex, behavior.status ?? 302, { location: behavior.location, "content-length": 0 });
      return finish(ex);
    case "huge-body":
      return hugeBody(ex, behavior.bytes, behavior.contentType, behavior.declaredLength);
    case "stall-after-headers": {
      const stream = behavior.stream ?? (isView(chat) && chat.stream);
      if (stream) startSse(ex);
      else {
        writeHead(ex, 200, { "content-type": "application/json" });
        ex.res.flushHeaders();
      }
      return closed(ex.res);
    }
    case "stall-before-headers":
      return closed(ex.res);
    case "trickle": {
      if (!isView(chat)) return refuse(ex, chat);
      const overrides = { text: behavior.text };
      const payload = chat.stream
        ? chatFrames(chat, overrides).map(serializeFrame).join("")
        : chatJson(chat, overrides);
      const bytes = Buffer.from(payload, "utf8");
      if (chat.stream) writeHead(ex, 200, SSE_HEADERS);
      else writeHead(ex, 200, { "content-type": "application/json", "content-length": bytes.length });
      ex.res.socket?.setNoDelay(true);
      const step = Math.max(1, behavior.bytesPerWrite ?? 1);
      for (let offset = 0; offset < bytes.length; offset += step) {
        if (offset > 0 && !(await pause(ex.res, behavior.delayMs ?? 1))) return;
        if (offset > 0 && behavior.delayMs === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (!(await write(ex.res, bytes.subarray(offset, offset + step)))) return;
      }
      return finish(ex);
    }
    case "malformed-sse": {
      if (!isView(chat)) return refuse(ex, chat);
      const frames = chatFrames(chat, { text: behavior.text });
      startSse(ex);
      if (await write(ex.res, renderMalformed(frames, behavior.faults, behavior.atChunk ?? 1))) finish(ex);
      return;
    }
    case "disconnect": {
      if (!isView(chat)) return refuse(ex, chat);
      if (!chat.stream) {
        const json = chatJson(chat, { text: behavior.text });
        writeHead(ex, 200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
        if (await write(ex.res, json.slice(0, Math.floor(json.length / 2)))) await cutAfterFlush(ex);
        return;
      }
      const frames = chatFrames(chat, { text: behavior.text }).slice(0, -1);
      startSse(ex);
      if (await writeFrames(ex, frames.slice(0, Math.max(0, behavior.afterChunks)))) await cutAfterFlush(ex);
      return;
    }
    case "stream-error": {
      if (!isView(chat)) return refuse(ex, chat);
      const error: OpenAIErrorObject = {
        ...defaultErrorFor(500, "The server had an error while processing your request. Sorry about that!"),
        ...behavior.error,
      };
      if (!chat.stream) return sendJson(ex, 200, errorEnvelope(error));
      const frames = chatFrames(chat, { text: behavior.text }).slice(0, -1);
      startSse(ex);
      if (!(await writeFrames(ex, frames.slice(0, Math.max(0, behavior.afterChunks))))) return;
      if (await write(ex.res, serializeFrame({ data: JSON.stringify(errorEnvelope(error)) }))) finish(ex);
      return;
    }
    case "echo-headers": {
      const reflected = JSON.stringify(ex.hit.headers);
      const status = behavior.status ?? 400;
      if (status >= 400 || !isView(chat)) {
        const error = defaultErrorFor(status, `Request rejected. Request headers were: ${reflected}`);
        return sendJson(ex, status, errorEnvelope(error));
      }
      return answerChat(ex, chat, { text: reflected });
    }
  }
}

async function hugeBody(ex: Exchange, bytes: number, contentType?: string, declared?: number): Promise<void> {
  const headers: Record<string, string | number> = { "content-type": contentType ?? "application/json" };
  if (declared !== undefined) headers["content-length"] = declared;
  writeHead(ex, 200, headers);
  const prefix = '{"id":"chatcmpl-simhuge","object":"chat.completion","padding":"';
  const suffix = '"}';
  const total = Math.max(0, Math.floor(bytes));
  const framed = total >= prefix.length + suffix.length;
  const block = Buffer.alloc(64 * 1024, "x");
  let sent = 0;
  const fill = framed ? total - suffix.length : total;
  if (framed) {
    if (!(await write(ex.res, prefix))) return;
    sent = prefix.length;
  }
  while (sent < fill) {
    const n = Math.min(block.length, fill - sent);
    if (!(await write(ex.res, n === block.length ? block : block.subarray(0, n)))) return;
    sent += n;
  }
  if (framed && !(await write(ex.res, suffix))) return;
  if (declared !== undefined && declared !== total) return cutAfterFlush(ex);
  finish(ex);
}

/** True when a value is a usable Behavior object (scripts are typed, but tests may build them dynamically). */
export function isBehavior(value: unknown): value is Behavior {
  return isRecord(value) && typeof value["kind"] === "string";
}
