/**
 * Scripted simulator faults (security catalogue C and D): each behaviour does
 * what its name says on the wire, checked with raw HTTP, an SSE parser and the
 * official SDK.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import OpenAI from "openai";
import {
  type Behavior,
  SIMULATOR_ORG_ID,
  type Simulator,
  type SimulatorRequest,
  startSimulator,
} from "../../src/upstreams/simulator/index.js";

const chatBody = (stream: boolean, content = "hello") => ({
  model: "echo",
  stream,
  ...(stream ? { stream_options: { include_usage: true } } : {}),
  messages: [{ role: "user", content }],
});

/** Per-test behaviour: each test sets `next` before its request. */
let next: ((req: SimulatorRequest) => Behavior | undefined) | undefined;
let sim: Simulator;

function post(body: unknown, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}) {
  return fetch(`${sim.url}/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-canary-upstream-key",
      ...init.headers,
    },
    body: JSON.stringify(body),
    signal: init.signal,
    redirect: "manual",
  });
}

/** Raw bytes of a response as separate chunks, with how the response ended. */
function rawExchange(body: unknown): Promise<{ status: number; chunks: Buffer[]; ended: "end" | "error" }> {
  const url = new URL(`${sim.url}/chat/completions`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: "POST", headers: { "content-type": "application/json", connection: "close" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, chunks, ended: "end" }));
        res.on("error", () => resolve({ status: res.statusCode ?? 0, chunks, ended: "error" }));
        res.on("aborted", () => resolve({ status: res.statusCode ?? 0, chunks, ended: "error" }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

function parseSse(text: string): { events: EventSourceMessage[]; comments: string[] } {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  parser.feed(text);
  return { events, comments };
}

function contentOf(events: EventSourceMessage[]): string {
  return events
    .filter((e) => e.data !== "[DONE]")
    .map(
      (e) =>
        (JSON.parse(e.data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta
          ?.content ?? "",
    )
    .join("");
}

/** Reads a body until it ends or breaks; returns what arrived and whether it broke. */
async function readAll(res: Response): Promise<{ text: string; broke: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text: text + decoder.decode(), broke: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broke: true };
  }
}

describe("simulator scripted faults", () => {
  before(async () => {
    sim = await startSimulator({ script: (req) => next?.(req) });
  });
  after(() => sim.close());

  it("gives the script the request and falls back to the default on undefined", async () => {
    let seen: SimulatorRequest | undefined;
    next = (req) => {
      seen = req;
      return undefined;
    };
    const res = await post(chatBody(false, "plain"));
    assert.equal(res.status, 200);
    assert.ok(seen);
    assert.equal(seen.path, "/v1/chat/completions");
    assert.equal(seen.hitIndex, sim.hits.length - 1);
    assert.equal(seen.headers.authorization, "Bearer sk-canary-upstream-key");
    assert.deepEqual((seen.body as { messages: unknown }).messages, [{ role: "user", content: "plain" }]);
  });

  it("429 with Retry-After and an org id in the message (D1, D2)", async () => {
    next = () => ({ kind: "error", status: 429, headers: { "retry-after": "7" } });
    const res = await post(chatBody(false));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "7");
    const body = (await res.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(body.error.code, "rate_limit_exceeded");
    assert.ok(body.error.message.includes(SIMULATOR_ORG_ID));
  });

  it("500 / 503 / 529 / 400 / 401 envelopes, custom messages and raw bodies (D3)", async () => {
    for (const status of [500, 503, 529]) {
      next = () => ({ kind: "error", status });
      const res = await post(chatBody(false));
      assert.equal(res.status, status);
      const body = (await res.json()) as { error: { message: string; type: string } };
      assert.equal(typeof body.error.message, "string");
      assert.ok(body.error.type.length > 0);
    }
    next = () => ({
      kind: "error",
      status: 400,
      message: "Bad thing for organization org-AbCdEf123456 in project.",
    });
    const bad = await post(chatBody(false));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /org-AbCdEf123456/);

    next = () => ({ kind: "error", status: 401 });
    const client = new OpenAI({ baseURL: sim.url, apiKey: "sk-x", maxRetries: 0 });
    await assert.rejects(
      client.chat.completions.create(chatBody(false) as never),
      OpenAI.AuthenticationError,
    );

    next = () => ({ kind: "error", status: 502, body: "Bad Gateway" });
    const raw = await post(chatBody(false));
    assert.equal(raw.status, 502);
    assert.equal(await raw.text(), "Bad Gateway");
  });

  it("HTML with 200 (D5)", async () => {
    next = () => ({ kind: "html" });
    const res = await post(chatBody(false));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await res.text(), /<html>/);
  });

  it("redirects with a Location header (D6)", async () => {
    next = () => ({ kind: "redirect", location: "http://127.0.0.1:1/attacker" });
    const res = await post(chatBody(false));
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "http://127.0.0.1:1/attacker");
  });

  it("a huge body of exactly N bytes, and a lying Content-Length (D7)", async () => {
    next = () => ({ kind: "huge-body", bytes: 3 * 1024 * 1024 + 17 });
    const res = await post(chatBody(false));
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.length, 3 * 1024 * 1024 + 17);
    assert.ok(bytes.subarray(0, 20).toString().startsWith('{"id":"chatcmpl-'));

    next = () => ({ kind: "huge-body", bytes: 1000, declaredLength: 5000 });
    const lying = await post(chatBody(false));
    assert.equal(lying.headers.get("content-length"), "5000");
    const read = await readAll(lying);
    assert.equal(read.broke, true, "the body ends early and the connection drops");
  });

  it("stalls after headers until the client aborts, and records the abort (C1, C6)", async () => {
    next = () => ({ kind: "stall-after-headers" });
    const controller = new AbortController();
    const res = await post(chatBody(true), { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const index = sim.hits.length - 1;
    assert.equal(sim.hits[index]!.aborted, false);
    controller.abort();
    const hit = await sim.waitForAbort(index);
    assert.equal(hit.aborted, true);
    assert.ok((hit.abortedAt ?? 0) >= hit.receivedAt);
  });

  it("stalls before headers (client times out)", async () => {
    next = () => ({ kind: "stall-before-headers" });
    await assert.rejects(post(chatBody(false), { signal: AbortSignal.timeout(150) }));
    const hit = await sim.waitForAbort(sim.hits.length - 1);
    assert.equal(hit.status, undefined, "no headers were sent");
  });

  it("trickles bytes one at a time, splitting UTF-8 characters, with identical content (C2)", async () => {
    const text = "中文字符测试：你好，世界。data: x";
    next = () => ({ kind: "respond", text });
    const normal = await rawExchange(chatBody(true));
    next = () => ({ kind: "trickle", text, delayMs: 0 });
    const trickled = await rawExchange(chatBody(true));
    assert.equal(trickled.ended, "end");
    const whole = Buffer.concat(trickled.chunks);
    assert.ok(trickled.chunks.length > 50, `many small reads (got ${trickled.chunks.length})`);
    const splitsACharacter = trickled.chunks.some((chunk) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(chunk);
        return false;
      } catch {
        return true;
      }
    });
    assert.ok(splitsACharacter, "at least one read ends inside a multibyte character");
    const a = parseSse(Buffer.concat(normal.chunks).toString("utf8")).events;
    const b = parseSse(whole.toString("utf8")).events;
    assert.equal(contentOf(b), `${text}`);
    assert.equal(contentOf(a), contentOf(b));
    assert.equal(b.at(-1)?.data, "[DONE]");
  });

  it("trickles a non-streamed JSON answer too", async () => {
    next = () => ({ kind: "trickle", bytesPerWrite: 7, delayMs: 0 });
    const res = await post(chatBody(false, "slow json"));
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(body.choices[0]!.message.content, "You said: slow json");
  });

  it("malformed SSE: comments, unknown events, non-JSON data, merged events, CRLF (C3)", async () => {
    next = () => ({ kind: "malformed-sse", faults: ["comment-ping", "unknown-event", "non-json-data"] });
    const mixed = await (await post(chatBody(true))).text();
    const parsed = parseSse(mixed);
    assert.ok(parsed.comments.includes("ping") || parsed.comments.includes(" ping"));
    assert.ok(parsed.events.some((e) => e.event === "simulator.unknown"));
    const bad = parsed.events.filter((e) => e.data !== "[DONE]" && !isJson(e.data));
    assert.equal(bad.length, 1);
    assert.equal(parsed.events.at(-1)?.data, "[DONE]");

    next = () => ({ kind: "malformed-sse", faults: ["missing-blank-line"], atChunk: 2 });
    const merged = parseSse(await (await post(chatBody(true))).text()).events;
    const joined = merged.filter((e) => e.data.includes("\n"));
    assert.equal(joined.length, 1, "two data lines merged into one event");
    assert.equal(isJson(joined[0]!.data), false);

    next = () => ({ kind: "malformed-sse", faults: ["crlf"] });
    const crlf = await (await post(chatBody(true, "line endings"))).text();
    assert.ok(crlf.includes("\r\n\r\n"));
    assert.equal(/[^\r]\n/.test(crlf), false, "no bare LF");
    assert.equal(contentOf(parseSse(crlf).events), "You said: line endings");
  });

  it("disconnects mid-stream after K chunks without [DONE] (C4)", async () => {
    next = () => ({ kind: "disconnect", afterChunks: 3 });
    const res = await rawExchange(chatBody(true));
    assert.equal(res.ended, "error");
    const events = parseSse(Buffer.concat(res.chunks).toString("utf8")).events;
    assert.equal(events.length, 3);
    assert.ok(events.every((e) => e.data !== "[DONE]"));
    const hit = sim.hits.at(-1)!;
    assert.equal(hit.aborted, false, "a server-side cut is not a client abort");
  });

  it("sends an in-stream error event after K chunks (C11), which the SDK raises", async () => {
    next = () => ({
      kind: "stream-error",
      afterChunks: 2,
      error: { message: "Overloaded mid-stream", type: "server_error" },
    });
    const text = await (await post(chatBody(true))).text();
    const events = parseSse(text).events;
    assert.equal(events.length, 3);
    assert.deepEqual(JSON.parse(events[2]!.data).error.message, "Overloaded mid-stream");
    assert.ok(!text.includes("[DONE]"));

    const client = new OpenAI({ baseURL: sim.url, apiKey: "sk-x", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "echo",
      stream: true,
      messages: [{ role: "user", content: "hello" }],
    });
    await assert.rejects(
      (async () => {
        for await (const _chunk of stream) {
          /* drain */
        }
      })(),
      /Overloaded mid-stream/,
    );
  });

  it("custom usage: negative, absurd, or missing (D8)", async () => {
    next = () => ({
      kind: "respond",
      usage: { prompt_tokens: -5, completion_tokens: 1e12, total_tokens: "x" },
    });
    const weird = (await (await post(chatBody(false))).json()) as { usage: Record<string, unknown> };
    assert.deepEqual(weird.usage, { prompt_tokens: -5, completion_tokens: 1e12, total_tokens: "x" });

    next = () => ({ kind: "respond", usage: "omit" });
    const missing = (await (await post(chatBody(false))).json()) as Record<string, unknown>;
    assert.equal("usage" in missing, false);
    const streamed = parseSse(await (await post(chatBody(true))).text()).events;
    const chunks = streamed
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data) as { choices: unknown[] });
    assert.ok(
      chunks.every((c) => c.choices.length > 0),
      "no usage chunk",
    );
  });

  it("custom text: SSE injection stays one JSON-escaped event, multibyte text intact (C9)", async () => {
    const injected = 'before\n\ndata: {"choices":[{"delta":{"content":"EVIL"}}]}\n\nevent: error\nafter 中文';
    next = () => ({ kind: "respond", text: injected });
    const events = parseSse(await (await post(chatBody(true))).text()).events;
    assert.equal(contentOf(events), injected);
    assert.ok(events.every((e) => e.event === undefined));
    assert.equal(events.filter((e) => e.data.includes("EVIL")).length, 1);
  });

  it("respond can substitute the model, add headers and pace chunks (D10, D11)", async () => {
    next = () => ({ kind: "respond", model: "gpt-3.5-turbo", headers: { "x-extra": "1" }, chunkDelayMs: 5 });
    const res = await post(chatBody(false));
    assert.equal(res.headers.get("x-extra"), "1");
    assert.ok(res.headers.get("openai-organization"), "OpenAI's account headers are sent by default");
    assert.equal(((await res.json()) as { model: string }).model, "gpt-3.5-turbo");
  });

  it("echoes request headers into the body (D9)", async () => {
    next = () => ({ kind: "echo-headers" });
    const res = await post(chatBody(false));
    assert.equal(res.status, 400);
    assert.ok((await res.text()).includes("sk-canary-upstream-key"));

    next = () => ({ kind: "echo-headers", status: 200 });
    const ok = (await (await post(chatBody(false))).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    assert.ok(ok.choices[0]!.message.content.includes("sk-canary-upstream-key"));
  });

  it("waits delayMs before answering", async () => {
    next = () => ({ kind: "respond", delayMs: 120 });
    const started = Date.now();
    const res = await post(chatBody(false));
    await res.text();
    assert.ok(Date.now() - started >= 110);
  });

  it("observes a client that aborts mid-stream (C6)", async () => {
    next = () => ({ kind: "respond", text: "word ".repeat(200), chunkDelayMs: 10 });
    const client = new OpenAI({ baseURL: sim.url, apiKey: "sk-x", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "echo",
      stream: true,
      messages: [{ role: "user", content: "long" }],
    });
    const index = sim.hits.length - 1;
    let received = 0;
    for await (const _chunk of stream) {
      received++;
      if (received === 2) break; // the SDK aborts its request
    }
    const hit = await sim.waitForAbort(index);
    assert.equal(hit.aborted, true);
    assert.equal(hit.finishedAt, undefined, "the stream never completed");
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
