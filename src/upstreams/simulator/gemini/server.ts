/**
 * startGeminiSimulator(): the node:http server on 127.0.0.1 speaking the
 * Gemini Developer API. Records every hit (raw body, parsed body, headers, and
 * client aborts), checks the API key (`x-goog-api-key`, or `?key=`), lists
 * models, counts tokens, and answers generateContent / streamGenerateContent
 * by default or as the script says. Paths are accepted under /v1beta and /v1.
 */

import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { refuseForbidden } from "../forbidden.js";
import { isGone } from "../io.js";
import { listenSimulator } from "../listen.js";
import type { Simulator, SimulatorHit } from "../types.js";
import { answerGenerate, type BehaviorContext, isGeminiBehavior, runGeminiBehavior } from "./behaviors.js";
import { googleError, isGeminiError } from "./errors.js";
import { type GeminiExchange, JSON_TYPE, sendError, sendJson } from "./io.js";
import { geminiModelInfo, geminiModelsPage } from "./models.js";
import { parseGenerateRequest } from "./request.js";
import type { GeminiErrorObject, GeminiScript, GeminiSimulatorOptions } from "./types.js";

/** The Gemini API's request size limit. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const ACTION = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const MODEL = /^\/(?:v1beta|v1)\/models\/([^/:]+)$/;
const LIST = /^\/(?:v1beta|v1)\/models$/;

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

function authFailure(
  req: IncomingMessage,
  query: URLSearchParams,
  apiKey: string | undefined,
): GeminiErrorObject | null {
  if (apiKey === undefined) return null;
  const header = req.headers["x-goog-api-key"];
  const presented = (Array.isArray(header) ? header[0] : header) ?? query.get("key") ?? "";
  if (presented === "") {
    return googleError(401, {
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    });
  }
  return presented === apiKey ? null : googleError(401);
}

async function route(
  ex: GeminiExchange,
  req: IncomingMessage,
  script: GeminiScript | undefined,
  apiKey?: string,
) {
  const { hit } = ex;
  const [pathname = "", search = ""] = hit.path.split("?", 2);
  const query = new URLSearchParams(search);
  const auth = authFailure(req, query, apiKey);
  if (auth !== null) return sendError(ex, auth);

  const action = hit.method === "POST" ? ACTION.exec(pathname) : null;
  const model = decodeURIComponent(action?.[1] ?? "");
  let ctx: BehaviorContext = null;
  if (action) {
    const body =
      action[2] === "countTokens" &&
      hit.body !== null &&
      typeof hit.body === "object" &&
      "generateContentRequest" in hit.body
        ? (hit.body as { generateContentRequest: unknown }).generateContentRequest
        : hit.body;
    const view = parseGenerateRequest(model, body);
    ctx = isGeminiError(view) ? view : { view, stream: action[2] === "streamGenerateContent" };
  }
  const isGenerate = action !== null && action[2] !== "countTokens";
  const behavior = script?.({ body: hit.body, headers: hit.headers, path: hit.path, hitIndex: hit.index });
  if (behavior !== undefined && isGeminiBehavior(behavior) && !(behavior.kind === "respond" && !isGenerate)) {
    return runGeminiBehavior(
      ex,
      behavior,
      isGenerate ? ctx : ctx !== null && isGeminiError(ctx) ? ctx : null,
    );
  }
  if (ctx !== null && isGeminiError(ctx)) return sendError(ex, ctx);
  if (ctx !== null && isGenerate) return answerGenerate(ex, ctx);
  if (ctx !== null) {
    const total = ctx.view.promptTokens;
    return sendJson(ex, 200, {
      totalTokens: total,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: total }],
    });
  }
  if (hit.method === "GET" && LIST.test(pathname)) return sendJson(ex, 200, geminiModelsPage());
  const one = hit.method === "GET" ? MODEL.exec(pathname) : null;
  if (one) {
    const id = decodeURIComponent(one[1] ?? "");
    const info = geminiModelInfo(id);
    return info ? sendJson(ex, 200, info) : sendError(ex, googleError(404, { model: id }));
  }
  return sendError(ex, { code: 404, message: "Method not found.", status: "NOT_FOUND" });
}

export async function startGeminiSimulator(options: GeminiSimulatorOptions = {}): Promise<Simulator> {
  const hits: SimulatorHit[] = [];
  const events = new EventEmitter();
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
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
    const sse = new URLSearchParams(hit.path.split("?", 2)[1] ?? "").get("alt") === "sse";
    const ex: GeminiExchange = { res, hit, cut, sse };
    const { raw, tooLarge } = await readBody(req);
    hit.rawBody = raw;
    hit.body = parseJson(raw);
    hit.receivedAt = Date.now();
    if (refuseForbidden(hit, res, options.forbidden)) return;
    if (tooLarge)
      return sendError(
        ex,
        googleError(400, { message: "Request payload size exceeds the limit: 20971520 bytes." }),
      );
    await route(ex, req, options.script, options.apiKey);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (isGone(res)) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `Simulator script failed: ${err instanceof Error ? err.message : String(err)}`;
      res.writeHead(500, { "content-type": JSON_TYPE });
      res.end(JSON.stringify({ error: { code: 500, message, status: "INTERNAL" } }));
    });
  });
  server.keepAliveTimeout = 5_000;

  return listenSimulator(server, options.port ?? 0, hits, events, () => {
    closing = true;
  });
}
