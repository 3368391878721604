/**
 * Builds the pipeline's ClientExchange over Node's raw request/response, so the
 * hot path writes bytes directly (no framework serialisation) and notices a
 * client that leaves (catalogue C6, C7, C8).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReceiptHandle } from "../integrity/receipt-handle.js";
import type { ClientExchange, StreamSink } from "../pipeline/exchange.js";
import type { VirtualKeyRecord } from "../storage/ports.js";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/**
 * A client that stops reading holds the upstream stream paused (bounded buffering,
 * C8); after this long without room in the socket it is treated as gone.
 */
const WRITE_STALL_MS = 60_000;

export function rawExchange(
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  body: unknown,
  startedAt: number,
  key: VirtualKeyRecord | undefined,
  receipt?: ReceiptHandle,
): ClientExchange {
  const receiptHeaders = receipt?.headers ?? {};
  const gone = new AbortController();
  const leave = () => {
    if (!response.writableFinished) gone.abort();
  };
  response.on("close", leave);
  // The socket may already be gone before this listener existed.
  if (response.destroyed || request.socket.destroyed) gone.abort();

  const waitForRoom = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        response.off("drain", done);
        response.off("close", done);
        resolve();
      };
      const timer = setTimeout(() => {
        gone.abort();
        response.destroy();
        done();
      }, WRITE_STALL_MS);
      response.on("drain", done);
      response.on("close", done);
    });

  return {
    requestId,
    headers: request.headers,
    body,
    key,
    clientGone: gone.signal,
    startedAt,
    receipt,
    sendJson(status, headers, payload) {
      if (gone.signal.aborted || response.destroyed) return;
      receipt?.write(payload);
      response.writeHead(status, {
        ...headers,
        ...receiptHeaders,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(payload)),
        "x-request-id": requestId,
      });
      response.end(payload);
    },
    startStream(headers): StreamSink {
      if (!response.destroyed) {
        // A dialect may stream another media type (Gemini's JSON array): its headers win.
        response.writeHead(200, { ...SSE_HEADERS, ...headers, ...receiptHeaders, "x-request-id": requestId });
        response.flushHeaders();
      }
      return {
        write(chunk) {
          if (gone.signal.aborted || response.destroyed || response.writableEnded) return Promise.resolve();
          receipt?.write(chunk);
          return response.write(chunk) ? Promise.resolve() : waitForRoom();
        },
        end() {
          if (!response.writableEnded && !response.destroyed) response.end();
        },
      };
    },
  };
}
