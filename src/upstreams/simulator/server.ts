/**
 * startSimulator(): the node:http server on 127.0.0.1. Records every hit
 * (including client aborts), checks the optional API key, lists models, and
 * answers chat completions by default or as the script says.
 */

import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type ChatContext, isBehavior, runBehavior } from "./behaviors.js";
import { answerChat } from "./chat.js";
import { answerEmbeddings } from "./embeddings.js";
import {
  errorEnvelope,
  incorrectKeyError,
  invalidJsonError,
  invalidUrlError,
  missingKeyError,
} from "./errors.js";
import { refuseForbidden } from "./forbidden.js";
import { type Exchange, isGone, sendJson } from "./io.js";
import { listenSimulator } from "./listen.js";
import { modelObject, modelsList } from "./models.js";
import { parseChatRequest } from "./request.js";
import type { Simulator, SimulatorHit, SimulatorOptions, SimulatorScript } from "./types.js";

/** Request bodies above this are refused with 413 (the simulator is not a body-size test target). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<{ raw: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buf);
  }
  return { raw: Buffer.concat(chunks).toString("utf8"), tooLarge };
}

function parseJson(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function authFailure(req: IncomingMessage, apiKey: string | undefined) {
  if (apiKey === undefined) return null;
  const header = req.headers.authorization;
  if (header === undefined || header === "") return missingKeyError();
  const match = /^Bearer (.*)$/i.exec(header);
  const presented = match?.[1] ?? header;
  return presented === apiKey ? null : incorrectKeyError(presented);
}

async function route(
  ex: Exchange,
  req: IncomingMessage,
  script: SimulatorScript | undefined,
  apiKey?: string,
) {
  const { hit } = ex;
  const pathname = hit.path.split("?")[0] ?? "";
  const auth = authFailure(req, apiKey);
  if (auth !== null) return sendJson(ex, 401, errorEnvelope(auth));

  // Azure OpenAI's deployment-scoped path answers exactly like the plain one.
  const isChat =
    hit.method === "POST" &&
    (pathname === "/v1/chat/completions" ||
      /^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(pathname));
  let chat: ChatContext = null;
  if (isChat) {
    chat = hit.body === undefined && hit.rawBody !== "" ? invalidJsonError() : parseChatRequest(hit.body);
  }

  const behavior = script?.({ body: hit.body, headers: hit.headers, path: hit.path, hitIndex: hit.index });
  if (behavior !== undefined && isBehavior(behavior) && !(behavior.kind === "respond" && !isChat)) {
    return runBehavior(ex, behavior, chat);
  }

  if (isChat) {
    if (chat !== null && "messages" in chat) return answerChat(ex, chat);
    if (chat !== null) return sendJson(ex, 400, errorEnvelope(chat));
  }
  if (hit.method === "POST" && pathname === "/v1/embeddings") {
    const answer = answerEmbeddings(hit.body);
    return sendJson(ex, answer.status, answer.body);
  }
  if (hit.method === "GET" && pathname === "/v1/models") return sendJson(ex, 200, modelsList());
  const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(pathname);
  if (hit.method === "GET" && modelMatch) {
    const id = decodeURIComponent(modelMatch[1] ?? "");
    const model = modelObject(id);
    if (model !== null) return sendJson(ex, 200, model);
    const error = {
      message: `The model '${id}' does not exist`,
      type: "invalid_request_error",
      param: "model",
      code: "model_not_found",
    };
    return sendJson(ex, 404, errorEnvelope(error));
  }
  return sendJson(ex, 404, errorEnvelope(invalidUrlError(hit.method, pathname)));
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const hits: SimulatorHit[] = [];
  const events = new EventEmitter();
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const index = hits.length;
    const hit: SimulatorHit = {
      index,
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
    const ex: Exchange = {
      res,
      hit,
      cut: () => {
        cutByServer = true;
        res.socket?.destroy();
      },
    };
    const { raw, tooLarge } = await readBody(req);
    hit.rawBody = raw;
    hit.body = parseJson(raw);
    hit.receivedAt = Date.now();
    if (refuseForbidden(hit, res, options.forbidden)) return;
    if (tooLarge) {
      const error = { message: "Request too large.", type: "invalid_request_error", param: null, code: null };
      return sendJson(ex, 413, errorEnvelope(error));
    }
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
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(errorEnvelope({ message, type: "server_error", param: null, code: null })));
    });
  });
  server.keepAliveTimeout = 5_000;

  return listenSimulator(
    server,
    options.port ?? 0,
    hits,
    events,
    () => {
      closing = true;
    },
    "/v1",
  );
}
