/**
 * The pipeline's view of one client exchange, independent of the HTTP framework
 * (only server/ knows Fastify). The server builds it; the pipeline answers through it.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ReceiptHandle } from "../integrity/receipt-handle.js";
import type { VirtualKeyRecord } from "../storage/ports.js";

export interface StreamSink {
  /** Writes bytes; resolves once the client has room again (back-pressure, catalogue C8). */
  write(chunk: string): Promise<void>;
  end(): void;
}

export interface ClientExchange {
  readonly requestId: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The key, when the edge authenticated it before reading the body. */
  readonly key?: VirtualKeyRecord;
  /** Fires when the client disconnects before the response is complete. */
  readonly clientGone: AbortSignal;
  /** Monotonic start time (performance.now()). */
  readonly startedAt: number;
  /** The request's receipt: its headers go on every response, every body byte is hashed into it. */
  readonly receipt?: ReceiptHandle;
  sendJson(status: number, headers: Record<string, string>, body: string | Buffer): void;
  startStream(headers: Record<string, string>): StreamSink;
}
