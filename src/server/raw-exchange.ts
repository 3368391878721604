/**
 * Builds the pipeline's ClientExchange over Node's raw request/response, so the
 * hot path writes bytes directly (no framework serialisation) and notices a
 * client that leaves (catalogue C6, C7, C8).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClientExchange, StreamSink } from "../pipeline/exchange.js";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

export function rawExchange(
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  body: unknown,
  startedAt: number,
): ClientExchange {
  const gone = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished) gone.abort();
  });
  return {
    requestId,
    headers: request.headers,
    body,
    clientGone: gone.signal,
    startedAt,
    sendJson(status, headers, payload) {
      if (gone.signal.aborted) return;
      response.writeHead(status, {
        ...headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(payload)),
        "x-request-id": requestId,
      });
      response.end(payload);
    },
    startStream(headers): StreamSink {
      response.writeHead(200, { ...headers, ...SSE_HEADERS, "x-request-id": requestId });
      response.flushHeaders();
      return {
        write(chunk) {
          if (gone.signal.aborted || response.writableEnded) return Promise.resolve();
          if (response.write(chunk)) return Promise.resolve();
          return new Promise<void>((resolve) => {
            const done = () => {
              response.off("drain", done);
              response.off("close", done);
              resolve();
            };
            response.on("drain", done);
            response.on("close", done);
          });
        },
        end() {
          if (!response.writableEnded) response.end();
        },
      };
    },
  };
}
