/**
 * startBedrockSimulator(): a node:http server on 127.0.0.1 speaking the
 * Bedrock Runtime Converse API — POST /model/{modelId}/converse (JSON) and
 * /model/{modelId}/converse-stream (application/vnd.amazon.eventstream
 * frames). Records every hit like the other simulators, verifies SigV4 when
 * given credentials, and answers as answer.ts says unless the script picks a fault:
 * - `throttle`: 429 ThrottlingException (JSON, x-amzn-ErrorType);
 * - `stream-error`: a modelStreamErrorException frame after `afterFrames` frames;
 * - `disconnect`: the socket is cut after `afterFrames` frames (or before any answer).
 * Errors are `{"message": …}` with the type in `x-amzn-ErrorType`, as Bedrock sends them.
 */

import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { EVENT_STREAM_TYPE } from "../../bedrock/adapter.js";
import { refuseForbidden } from "../forbidden.js";
import { cutAfterFlush, isGone, write } from "../io.js";
import { listenSimulator } from "../listen.js";
import type { Simulator, SimulatorHit, SimulatorRequest } from "../types.js";
import { converseFrames, converseJson, exceptionFrame, planConverse } from "./answer.js";
import { type BedrockErrorReply, type BedrockSimulatorCredentials, verifySigV4 } from "./auth.js";

export type BedrockBehavior =
  | { kind: "respond" }
  | { kind: "throttle"; message?: string }
  | { kind: "stream-error"; afterFrames?: number; message?: string }
  | { kind: "disconnect"; afterFrames?: number };

export interface BedrockSimulatorOptions {
  port?: number;
  script?: (request: SimulatorRequest) => BedrockBehavior | undefined;
  credentials?: BedrockSimulatorCredentials;
  /** Values that must never arrive: a request carrying one is answered 451 and its hit marked. */
  forbidden?: readonly string[];
}

const ACTION = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const MAX_BODY_BYTES = 20 * 1024 * 1024;

function sendError(res: ServerResponse, hit: SimulatorHit, e: BedrockErrorReply): void {
  hit.status = e.status;
  res.writeHead(e.status, {
    "content-type": "application/json",
    "x-amzn-errortype": `${e.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
    "x-amzn-requestid": randomUUID(),
  });
  res.end(JSON.stringify({ message: e.message }), () => {
    hit.finishedAt = Date.now();
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  hit: SimulatorHit,
  raw: Buffer,
  options: BedrockSimulatorOptions,
  cut: () => void,
): Promise<void> {
  if (options.credentials) {
    const failure = verifySigV4(hit.method, hit.path, req.headers, raw, options.credentials);
    if (failure) return sendError(res, hit, failure);
  }
  const action = hit.method === "POST" ? ACTION.exec(hit.path) : null;
  if (!action)
    return sendError(res, hit, { status: 404, type: "UnknownOperationException", message: "Not Found" });
  const body = hit.body;
  if (
    typeof body !== "object" ||
    body === null ||
    Array.isArray(body) ||
    !Array.isArray((body as { messages?: unknown }).messages)
  ) {
    return sendError(res, hit, {
      status: 400,
      type: "ValidationException",
      message: "Malformed input request",
    });
  }
  const behavior =
    options.script?.({ body, headers: hit.headers, path: hit.path, hitIndex: hit.index }) ??
    ({ kind: "respond" } as const);
  if (behavior.kind === "throttle") {
    const message = behavior.message ?? "Too many requests, please wait before trying again.";
    return sendError(res, hit, { status: 429, type: "ThrottlingException", message });
  }
  const plan = planConverse(body as Record<string, unknown>);
  const stream = action[2] === "converse-stream";
  if (behavior.kind === "disconnect" && (!stream || (behavior.afterFrames ?? 0) === 0)) return cut();
  if (!stream) {
    hit.status = 200;
    res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": randomUUID() });
    res.end(JSON.stringify(converseJson(plan)), () => {
      hit.finishedAt = Date.now();
    });
    return;
  }
  hit.status = 200;
  res.writeHead(200, { "content-type": EVENT_STREAM_TYPE, "x-amzn-requestid": randomUUID() });
  const frames = converseFrames(plan);
  const stopAt =
    behavior.kind === "respond" ? frames.length : Math.min(behavior.afterFrames ?? 2, frames.length);
  for (const frame of frames.slice(0, stopAt)) if (!(await write(res, Buffer.from(frame)))) return;
  if (behavior.kind === "disconnect") return cutAfterFlush({ res, hit, cut });
  if (behavior.kind === "stream-error") {
    const message = behavior.message ?? "The model encountered an error while streaming.";
    await write(
      res,
      Buffer.from(exceptionFrame("modelStreamErrorException", { message, originalStatusCode: 500 })),
    );
  }
  res.end(() => {
    hit.finishedAt = Date.now();
  });
}

export async function startBedrockSimulator(options: BedrockSimulatorOptions = {}): Promise<Simulator> {
  const hits: SimulatorHit[] = [];
  const events = new EventEmitter();
  let closing = false;
  const server = createServer((req, res) => {
    const hit: SimulatorHit = {
      index: hits.length,
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      rawBody: "",
      body: undefined,
      receivedAt: Date.now(),
      aborted: false,
    };
    hits.push(hit);
    let cutByServer = false;
    res.on("close", () => {
      if (res.writableFinished || cutByServer || closing) return;
      hit.aborted = true;
      hit.abortedAt = Date.now();
      events.emit("abort", hit);
    });
    const cut = () => {
      cutByServer = true;
      hit.finishedAt = Date.now();
      res.socket?.destroy();
    };
    const run = async () => {
      const raw = await readBody(req);
      hit.rawBody = raw.toString("utf8");
      try {
        hit.body = hit.rawBody === "" ? undefined : JSON.parse(hit.rawBody);
      } catch {
        hit.body = undefined;
      }
      hit.receivedAt = Date.now();
      if (refuseForbidden(hit, res, options.forbidden)) return;
      await answer(req, res, hit, raw, options, cut);
    };
    run().catch((err: unknown) => {
      if (isGone(res) || res.headersSent) return void res.destroy();
      const message = `Simulator script failed: ${err instanceof Error ? err.message : String(err)}`;
      sendError(res, hit, { status: 500, type: "InternalServerException", message });
    });
  });
  server.keepAliveTimeout = 5_000;
  return listenSimulator(server, options.port ?? 0, hits, events, () => {
    closing = true;
  });
}
