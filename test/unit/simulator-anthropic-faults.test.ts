/**
 * Scripted faults of the Anthropic Messages simulator: each behaviour does what
 * its name says on the wire, checked with raw HTTP, an SSE parser and the
 * official `@anthropic-ai/sdk` (error classes, in-stream errors).
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import {
  ANTHROPIC_SIMULATOR_ORG_ID,
  type AnthropicBehavior,
  startAnthropicSimulator,
} from "../../src/upstreams/simulator/anthropic/index.js";
import type { Simulator, SimulatorRequest } from "../../src/upstreams/simulator/index.js";

const API_KEY = "sk-ant-fault-key";
const HEADERS = {
  "content-type": "application/json",
  "x-api-key": API_KEY,
  "anthropic-version": "2023-06-01",
};
const body = (stream: boolean, content = "hello") => ({
  model: "claude-echo",
  max_tokens: 100,
  stream,
  messages: [{ role: "user", content }],
});

let next: ((req: SimulatorRequest) => AnthropicBehavior | undefined) | undefined;
let sim: Simulator;
let client: Anthropic;

function post(payload: unknown, signal?: AbortSignal) {
  return fetch(`${sim.url}/v1/messages`, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify(payload),
    signal,
  });
}

function parseSse(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  parser.feed(text);
  return events;
}

function textOf(events: EventSourceMessage[]): string {
  return events
    .filter((e) => e.event === "content_block_delta")
    .map((e) => JSON.parse(e.data).delta.text ?? "")
    .join("");
}

/** Raw bytes of a response as separate reads, with how the response ended. */
function rawExchange(
  payload: unknown,
): Promise<{ status: number; chunks: Buffer[]; ended: "end" | "error" }> {
  const url = new URL(`${sim.url}/v1/messages`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...HEADERS, connection: "close" } }, (res) => {
      const chunks: Buffer[] = [];
      const done = (ended: "end" | "error") => resolve({ status: res.statusCode ?? 0, chunks, ended });
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => done("end"));
      res.on("error", () => done("error"));
      res.on("aborted", () => done("error"));
    });
    req.on("error", reject);
    req.end(JSON.stringify(payload));
  });
}

describe("Anthropic simulator scripted faults", () => {
  before(async () => {
    sim = await startAnthropicSimulator({ apiKey: API_KEY, script: (req) => next?.(req) });
    client = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0 });
  });
  after(() => sim.close());

  it("HTTP errors carry Anthropic's envelope and map to the SDK's error classes", async () => {
    const cases: [number, string, new (...args: never[]) => Error][] = [
      [400, "invalid_request_error", Anthropic.BadRequestError],
      [401, "authentication_error", Anthropic.AuthenticationError],
      [403, "permission_error", Anthropic.PermissionDeniedError],
      [404, "not_found_error", Anthropic.NotFoundError],
      [413, "request_too_large", Anthropic.ContentTooLargeError],
      [429, "rate_limit_error", Anthropic.RateLimitError],
      [500, "api_error", Anthropic.InternalServerError],
      [529, "overloaded_error", Anthropic.OverloadedError],
    ];
    for (const [status, type, ErrorClass] of cases) {
      next = () => ({ kind: "error", status });
      await assert.rejects(
        client.messages.create({
          model: "claude-echo",
          max_tokens: 10,
          messages: [{ role: "user", content: "x" }],
        }),
        (err: unknown) => {
          assert.ok(err instanceof ErrorClass, `${status} → ${ErrorClass.name}`);
          assert.ok(err instanceof Anthropic.APIError);
          assert.equal(err.status, status);
          assert.equal(err.type, type);
          assert.match(err.requestID ?? "", /^req_011C/);
          assert.equal((err.error as { request_id: string }).request_id, err.requestID);
          assert.equal((err.error as { type: string }).type, "error");
          return true;
        },
      );
    }
    next = () => ({ kind: "error", status: 429 });
    const limited = await post(body(false));
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.equal(limited.headers.get("anthropic-ratelimit-requests-remaining"), "0");
    const envelope = (await limited.json()) as { error: { message: string } };
    assert.ok(envelope.error.message.includes(ANTHROPIC_SIMULATOR_ORG_ID), "rate-limit text names the org");

    next = () => ({
      kind: "error",
      status: 529,
      message: "Overloaded right now",
      retryAfter: 7,
      headers: { "x-extra": "1" },
    });
    const overloaded = await post(body(false));
    assert.equal(overloaded.status, 529);
    assert.equal(overloaded.headers.get("retry-after"), "7");
    assert.equal(overloaded.headers.get("x-extra"), "1");
    assert.equal(
      ((await overloaded.json()) as { error: { message: string } }).error.message,
      "Overloaded right now",
    );
    next = undefined;
  });

  it("an in-stream `event: error` after K events surfaces as an SDK error; no message_stop", async () => {
    next = () => ({ kind: "stream-error", afterEvents: 4 });
    const stream = client.messages.stream({
      model: "claude-echo",
      max_tokens: 100,
      messages: [{ role: "user", content: "boom" }],
    });
    await assert.rejects(stream.finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.type, "overloaded_error");
      assert.equal(err.apiMessage, "Overloaded");
      return true;
    });

    next = () => ({
      kind: "stream-error",
      afterEvents: 3,
      error: { type: "api_error", message: "Internal server error" },
    });
    const events = parseSse(await (await post(body(true))).text());
    assert.deepEqual(
      events.map((e) => e.event),
      ["message_start", "content_block_start", "ping", "error"],
    );
    assert.deepEqual(JSON.parse(events.at(-1)!.data), {
      type: "error",
      error: { type: "api_error", message: "Internal server error" },
    });

    next = () => ({ kind: "stream-error", afterEvents: 3 });
    const nonStream = await post(body(false));
    assert.equal(nonStream.status, 529, "non-streaming: the HTTP status of the error type");
    next = undefined;
  });

  it("disconnects after K events without message_stop", async () => {
    next = () => ({ kind: "disconnect", afterEvents: 5 });
    const raw = await rawExchange(body(true, "cut me off"));
    assert.equal(raw.status, 200);
    assert.equal(raw.ended, "error");
    const events = parseSse(Buffer.concat(raw.chunks).toString("utf8"));
    assert.equal(events.length, 5);
    assert.ok(!events.some((e) => e.event === "message_stop"));
    const stream = client.messages.stream({
      model: "claude-echo",
      max_tokens: 100,
      messages: [{ role: "user", content: "x" }],
    });
    await assert.rejects(stream.finalMessage());
    next = undefined;
  });

  it("stalls after headers until the client aborts, and records the abort", async () => {
    next = () => ({ kind: "stall-after-headers" });
    const controller = new AbortController();
    const res = await post(body(true), controller.signal);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const index = sim.hits.length - 1;
    controller.abort();
    const hit = await sim.waitForAbort(index);
    assert.equal(hit.aborted, true);
    assert.ok(hit.abortedAt !== undefined && hit.abortedAt >= hit.receivedAt);
    next = undefined;
  });

  it("trickles the stream byte by byte, splitting UTF-8, with identical content", async () => {
    const text = "中文字符测试：你好，世界。🌍 data: x";
    next = () => ({ kind: "trickle", text, delayMs: 0 });
    const raw = await rawExchange(body(true));
    assert.equal(raw.ended, "end");
    assert.ok(raw.chunks.length > 50, `many small reads (got ${raw.chunks.length})`);
    const splits = raw.chunks.some((chunk) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(chunk);
        return false;
      } catch {
        return true;
      }
    });
    assert.ok(splits, "at least one read ends inside a multibyte character");
    const events = parseSse(Buffer.concat(raw.chunks).toString("utf8"));
    assert.equal(textOf(events), text);
    assert.equal(events.at(-1)?.event, "message_stop");

    next = () => ({ kind: "trickle", bytesPerWrite: 7, delayMs: 0 });
    const msg = await client.messages.create({
      model: "claude-echo",
      max_tokens: 50,
      messages: [{ role: "user", content: "slow json" }],
    });
    assert.deepEqual(msg.content, [{ type: "text", text: "You said: slow json" }]);
    next = undefined;
  });

  it("respond: custom text, custom usage (message_start and message_delta), model substitution, headers", async () => {
    next = () => ({
      kind: "respond",
      text: "Scripted answer.",
      model: "claude-substituted",
      usage: { input_tokens: -5, output_tokens: 1.5 },
      deltaUsage: { output_tokens: 999999 },
      headers: { "x-sim": "yes" },
    });
    const res = await post(body(true));
    assert.equal(res.headers.get("x-sim"), "yes");
    const events = parseSse(await res.text());
    const start = JSON.parse(events[0]!.data);
    assert.equal(start.message.model, "claude-substituted");
    assert.deepEqual(start.message.usage, { input_tokens: -5, output_tokens: 1.5 });
    const delta = JSON.parse(events.find((e) => e.event === "message_delta")!.data);
    assert.deepEqual(delta.usage, { output_tokens: 999999 });
    assert.equal(textOf(events), "Scripted answer.");

    next = () => ({ kind: "respond", usage: "omit" });
    const json = (await (await post(body(false))).json()) as Record<string, unknown>;
    assert.equal("usage" in json, false);
    next = undefined;
  });

  it("malformed SSE faults apply to Anthropic events", async () => {
    next = () => ({ kind: "malformed-sse", faults: ["unknown-event", "crlf"], atEvent: 2 });
    const text = await (await post(body(true, "faulty"))).text();
    assert.ok(text.includes("\r\n\r\n"));
    const events = parseSse(text);
    assert.ok(events.some((e) => e.event === "simulator.unknown"));
    assert.equal(textOf(events), "You said: faulty");
    next = undefined;
  });

  it("a script sees count_tokens and models requests too", async () => {
    const seen: string[] = [];
    next = (req) => {
      seen.push(req.path);
      return req.path === "/v1/messages/count_tokens" ? { kind: "error", status: 500 } : undefined;
    };
    await assert.rejects(
      client.messages.countTokens({ model: "claude-echo", messages: [{ role: "user", content: "x" }] }),
      Anthropic.InternalServerError,
    );
    await client.models.list();
    assert.equal(seen[0], "/v1/messages/count_tokens");
    assert.match(seen[1] ?? "", /^\/v1\/models/);
    next = undefined;
  });
});
