/**
 * startAnthropicSimulator(): the node:http server on 127.0.0.1 speaking the
 * Anthropic Messages API. Records every hit (raw body, parsed body, headers —
 * unknown fields and anthropic-beta survive untouched — and client aborts),
 * checks x-api-key and anthropic-version, lists models, counts tokens, and
 * answers messages by default or as the script says.
 */

import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { refuseForbidden } from "../forbidden.js";
import { isGone } from "../io.js";
import { listenSimulator } from "../listen.js";
import type { Simulator, SimulatorHit } from "../types.js";
import { answerMessages, type MessagesContext } from "./answer.js";
import { type BehaviorContext, isAnthropicBehavior, runAnthropicBehavior } from "./behaviors.js";
import { PromptCache } from "./cache.js";
import { anthropicEnvelope, defaultAnthropicError, invalidRequest } from "./errors.js";
import { type AnthropicExchange, newRequestId, sendError, sendJson } from "./io.js";
import { anthropicModelInfo, anthropicModelsPage } from "./models.js";
import { isErrorObject, parseMessagesRequest } from "./request.js";
import type { AnthropicErrorObject, AnthropicScript, AnthropicSimulatorOptions } from "./types.js";

/** Anthropic's documented request size limit for the Messages and Token Counting APIs. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<{ raw: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
  }
  return { raw: Buffer.concat(chunks).toString("utf8"), tooLarge: size > MAX_BODY_BYTES };
}

function parseJson(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function authFailure(req: IncomingMessage, apiKey: string | undefined): AnthropicErrorObject | null {
  if (apiKey === undefined) return null;
  const bearer = /^Bearer (.*)$/i.exec(header(req, "authorization"))?.[1];
  const presented = header(req, "x-api-key") || bearer || "";
  if (presented === "") return { type: "authentication_error", message: "x-api-key header is required" };
  return presented === apiKey ? null : { type: "authentication_error", message: "invalid x-api-key" };
}

interface RouteOptions {
  script: AnthropicScript | undefined;
  apiKey: string | undefined;
  cache: PromptCache;
}

async function route(ex: AnthropicExchange, req: IncomingMessage, options: RouteOptions): Promise<void> {
  const { hit } = ex;
  const pathname = hit.path.split("?")[0] ?? "";
  const auth = authFailure(req, options.apiKey);
  if (auth !== null) return sendError(ex, 401, auth);
  if (header(req, "anthropic-version") === "") {
    return sendError(ex, 400, invalidRequest("anthropic-version: header is required"));
  }

  const isCreate = hit.method === "POST" && pathname === "/v1/messages";
  const isCount = hit.method === "POST" && pathname === "/v1/messages/count_tokens";
  let parsed: MessagesContext | AnthropicErrorObject | null = null;
  if (isCreate || isCount) {
    const view =
      hit.body === undefined
        ? invalidRequest("There was an error parsing the body of your request: expected a JSON object.")
        : parseMessagesRequest(hit.body, isCreate ? "create" : "count");
    parsed = isErrorObject(view) ? view : { view, cache: options.cache };
  }

  const behavior = options.script?.({
    body: hit.body,
    headers: hit.headers,
    path: hit.path,
    hitIndex: hit.index,
  });
  if (
    behavior !== undefined &&
    isAnthropicBehavior(behavior) &&
    !(behavior.kind === "respond" && !isCreate)
  ) {
    const ctx: BehaviorContext = isCount && parsed !== null && !isErrorObject(parsed) ? null : parsed;
    return runAnthropicBehavior(ex, behavior, ctx);
  }

  if (parsed !== null && isErrorObject(parsed)) return sendError(ex, 400, parsed);
  if (parsed !== null && isCreate) return answerMessages(ex, parsed);
  if (parsed !== null) return sendJson(ex, 200, { input_tokens: parsed.view.inputTokens });
  if (hit.method === "GET" && pathname === "/v1/models") return sendJson(ex, 200, anthropicModelsPage());
  const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(pathname);
  if (hit.method === "GET" && modelMatch) {
    const id = decodeURIComponent(modelMatch[1] ?? "");
    const model = anthropicModelInfo(id);
    if (model !== null) return sendJson(ex, 200, model);
    return sendError(ex, 404, defaultAnthropicError(404, { model: id }));
  }
  return sendError(ex, 404, { type: "not_found_error", message: "Not Found" });
}

export async function startAnthropicSimulator(options: AnthropicSimulatorOptions = {}): Promise<Simulator> {
  const hits: SimulatorHit[] = [];
  const events = new EventEmitter();
  const routeOptions: RouteOptions = {
    script: options.script,
    apiKey: options.apiKey,
    cache: new PromptCache(),
  };
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
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
      res.socket?.destroy();
    };
    const ex: AnthropicExchange = { res, hit, cut, requestId };
    const { raw, tooLarge } = await readBody(req);
    hit.rawBody = raw;
    hit.body = parseJson(raw);
    hit.receivedAt = Date.now();
    if (refuseForbidden(hit, res, options.forbidden)) return;
    if (tooLarge) return sendError(ex, 413, defaultAnthropicError(413));
    await route(ex, req, routeOptions);
  };

  const server = createServer((req, res) => {
    const requestId = newRequestId();
    handle(req, res, requestId).catch((err: unknown) => {
      if (isGone(res)) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `Simulator script failed: ${err instanceof Error ? err.message : String(err)}`;
      res.writeHead(500, { "content-type": "application/json", "request-id": requestId });
      res.end(JSON.stringify(anthropicEnvelope({ type: "api_error", message }, requestId)));
    });
  });
  server.keepAliveTimeout = 5_000;

  return listenSimulator(server, options.port ?? 0, hits, events, () => {
    closing = true;
  });
}
