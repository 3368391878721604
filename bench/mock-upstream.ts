// Loopback mock of an OpenAI Chat Completions upstream, run as its own process by bench/run.ts.
// It answers from precomputed bytes so that its own cost per request is small and identical for every target.
// Prints `listening on http://127.0.0.1:PORT` when ready; exits when its stdin closes (the driver died).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

const CREATED = 1_700_000_000;
const DELTAS = 20;
const WORDS = "The quick brown fox jumps over the lazy dog while the relay measures how little it adds".split(
  " ",
);
const USAGE = { prompt_tokens: 12, completion_tokens: DELTAS, total_tokens: 12 + DELTAS };

interface Canned {
  json: Buffer;
  stream: Buffer[];
  usageFrame: Buffer;
  done: Buffer;
}

const cache = new Map<string, Canned>();

function sse(value: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(value)}\n\n`);
}

function canned(model: string): Canned {
  const hit = cache.get(model);
  if (hit) return hit;
  const id = "chatcmpl-bench0000000000000000000001";
  const text = Array.from({ length: DELTAS }, (_, i) => WORDS[i % WORDS.length]).join(" ");
  const json = Buffer.from(
    JSON.stringify({
      id,
      object: "chat.completion",
      created: CREATED,
      model,
      system_fingerprint: "fp_bench",
      choices: [
        { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: "stop" },
      ],
      usage: USAGE,
    }),
  );
  const base = {
    id,
    object: "chat.completion.chunk",
    created: CREATED,
    model,
    system_fingerprint: "fp_bench",
  };
  const stream: Buffer[] = [
    sse({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }),
  ];
  for (let i = 0; i < DELTAS; i++) {
    const content = (i === 0 ? "" : " ") + WORDS[i % WORDS.length];
    stream.push(sse({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] }));
  }
  stream.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  const usageFrame = sse({ ...base, choices: [], usage: USAGE });
  const made = { json, stream, usageFrame, done: Buffer.from("data: [DONE]\n\n") };
  cache.set(model, made);
  return made;
}

interface ChatBody {
  model?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

function fail(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, type: "invalid_request_error", param: null, code: null } });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function complete(res: ServerResponse, raw: Buffer): void {
  let body: ChatBody;
  try {
    body = JSON.parse(raw.toString("utf8")) as ChatBody;
  } catch {
    fail(res, 400, "body is not JSON");
    return;
  }
  const model = typeof body.model === "string" ? body.model : "bench-model";
  const reply = canned(model);
  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json", "content-length": reply.json.length });
    res.end(reply.json);
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  // One write per frame, as a real upstream produces them; the socket has Nagle disabled.
  for (const frame of reply.stream) res.write(frame);
  if (body.stream_options?.include_usage === true) res.write(reply.usageFrame);
  res.end(reply.done);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? "/";
  if (req.method === "GET" && (path === "/healthz" || path === "/v1/models")) {
    const body = JSON.stringify({
      object: "list",
      data: [{ id: "bench-model", object: "model", created: CREATED }],
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (req.method !== "POST" || !path.startsWith("/v1/chat/completions")) {
    req.resume();
    fail(res, 404, `no route for ${req.method} ${path}`);
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => complete(res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
}

const server = createServer({ keepAliveTimeout: 60_000 }, handle);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`mock upstream listening on http://127.0.0.1:${address.port}\n`);
});
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
