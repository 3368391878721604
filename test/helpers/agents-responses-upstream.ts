/**
 * A Responses-capable upstream for the agent e2e tests: a small real HTTP server on
 * 127.0.0.1 that speaks the OpenAI Responses API (`POST /v1/responses`, JSON and
 * SSE) the way api.openai.com does, registered under the `openai` descriptor (whose
 * `quirks.responses` makes the relay pass Responses clients straight through).
 *
 * The built-in simulator speaks Chat Completions only, so Codex on "a
 * Responses-capable upstream" needs this. Deterministic like the simulator: when the
 * request declares function tools and the last input item is not a tool result, it
 * calls the first function tool with arguments built from its schema; after a
 * `function_call_output` it answers "Tool said: <output>"; otherwise "You said:
 * <last user text>". Every request is recorded in `hits`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ResolvedProvider } from "../../src/config/types.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import { exampleFromSchema } from "../../src/upstreams/simulator/schema-example.js";

export interface ResponsesHit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status?: number;
}

export interface ResponsesUpstream {
  url: string;
  hits: ResponsesHit[];
  provider: ResolvedProvider;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function id(prefix: string): string {
  return prefix + randomBytes(12).toString("hex");
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && typeof part["text"] === "string" ? part["text"] : ""))
    .join("");
}

interface Plan {
  kind: "text" | "call";
  text: string;
  name: string;
  callId: string;
}

function plan(body: Json): Plan {
  const input =
    typeof body["input"] === "string" ? [{ role: "user", content: body["input"] }] : body["input"];
  const items = Array.isArray(input) ? input.filter(isRecord) : [];
  const last = items.at(-1);
  if (last?.["type"] === "function_call_output") {
    return { kind: "text", text: `Tool said: ${textOf(last["output"])}`, name: "", callId: "" };
  }
  const tools = Array.isArray(body["tools"]) ? body["tools"].filter(isRecord) : [];
  const tool = tools.find((t) => t["type"] === "function" && typeof t["name"] === "string");
  if (tool && body["tool_choice"] !== "none") {
    const args = JSON.stringify(exampleFromSchema(tool["parameters"] ?? { type: "object" }));
    return { kind: "call", text: args, name: String(tool["name"]), callId: id("call_") };
  }
  const lastUser = [...items].reverse().find((i) => i["role"] === "user");
  return { kind: "text", text: `You said: ${textOf(lastUser?.["content"])}`, name: "", callId: "" };
}

function outputItem(p: Plan, itemId: string, status: string, done: boolean): Json {
  if (p.kind === "call") {
    return {
      id: itemId,
      type: "function_call",
      status,
      arguments: done ? p.text : "",
      call_id: p.callId,
      name: p.name,
    };
  }
  return {
    id: itemId,
    type: "message",
    status,
    role: "assistant",
    content: done ? [{ type: "output_text", text: p.text, annotations: [], logprobs: [] }] : [],
  };
}

function responseObject(
  body: Json,
  respId: string,
  status: string,
  output: Json[],
  usage: Json | null,
): Json {
  return {
    id: respId,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: body["instructions"] ?? null,
    model: String(body["model"] ?? ""),
    output,
    parallel_tool_calls: body["parallel_tool_calls"] ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body["store"] ?? false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: body["tool_choice"] ?? "auto",
    tools: body["tools"] ?? [],
    top_p: 1,
    truncation: "disabled",
    usage,
    metadata: {},
  };
}

function usageFor(raw: string, p: Plan): Json {
  const input = Math.max(1, Math.ceil(raw.length / 4));
  const output = Math.max(1, Math.ceil(p.text.length / 4));
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function streamAnswer(res: ServerResponse, body: Json, raw: string): void {
  const p = plan(body);
  const respId = id("resp_");
  const itemId = p.kind === "call" ? id("fc_") : id("msg_");
  let seq = 0;
  let out = "";
  const event = (type: string, data: Json) => {
    out += `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  };
  const start = responseObject(body, respId, "in_progress", [], null);
  event("response.created", { response: start });
  event("response.in_progress", { response: start });
  event("response.output_item.added", { output_index: 0, item: outputItem(p, itemId, "in_progress", false) });
  const pieces = p.text.match(/.{1,8}/gsu) ?? [];
  if (p.kind === "call") {
    for (const delta of pieces) {
      event("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta });
    }
    event("response.function_call_arguments.done", { item_id: itemId, output_index: 0, arguments: p.text });
  } else {
    const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
    event("response.content_part.added", { item_id: itemId, output_index: 0, content_index: 0, part });
    for (const delta of pieces) {
      event("response.output_text.delta", {
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        delta,
        logprobs: [],
      });
    }
    event("response.output_text.done", {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      text: p.text,
      logprobs: [],
    });
    event("response.content_part.done", {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { ...part, text: p.text },
    });
  }
  const done = outputItem(p, itemId, "completed", true);
  event("response.output_item.done", { output_index: 0, item: done });
  event("response.completed", {
    response: responseObject(body, respId, "completed", [done], usageFor(raw, p)),
  });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  res.end(out);
}

export async function startResponsesUpstream(options: {
  id: string;
  models?: string[];
  apiKey?: string;
}): Promise<ResponsesUpstream> {
  const apiKey = options.apiKey ?? "sk-responses-upstream-test-0001";
  const hits: ResponsesHit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const hit: ResponsesHit = {
        method: req.method ?? "",
        path: req.url ?? "/",
        headers: req.headers,
        body,
      };
      hits.push(hit);
      res.on("finish", () => {
        hit.status = res.statusCode;
      });
      const error = (status: number, message: string, code: string | null = null) =>
        sendJson(res, status, { error: { message, type: "invalid_request_error", param: null, code } });
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return error(401, "Incorrect API key provided.", "invalid_api_key");
      }
      if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== "/v1/responses") {
        return error(404, `Invalid URL (${req.method} ${req.url})`);
      }
      if (!isRecord(body) || typeof body["model"] !== "string")
        return error(400, "Missing required parameter: 'model'.");
      if (body["stream"] === true) return streamAnswer(res, body, raw);
      const p = plan(body);
      const itemId = p.kind === "call" ? id("fc_") : id("msg_");
      const output = [outputItem(p, itemId, "completed", true)];
      sendJson(res, 200, responseObject(body, id("resp_"), "completed", output, usageFor(raw, p)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const descriptor = PROVIDERS.get("openai");
  if (!descriptor) throw new Error("openai descriptor missing");
  const { Secret } = await import("../../src/config/secret.js");
  const models = options.models ?? ["gpt-sim"];
  const provider: ResolvedProvider = {
    id: options.id,
    descriptor,
    region: descriptor.defaultRegion,
    baseUrl: new URL(url),
    jurisdiction: "LOCAL",
    apiKey: new Secret(apiKey),
    models,
    prices: new Map(
      models.map((model) => [
        model,
        { model, inputPerMTok: "1", cachedInputPerMTok: "0.10", outputPerMTok: "5" },
      ]),
    ),
    currency: "USD",
    allowPrivate: true,
    wildcard: false,
  };
  return {
    url,
    hits,
    provider,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
