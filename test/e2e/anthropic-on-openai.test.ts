/**
 * Issue 3 slice: an Anthropic Messages client (the official @anthropic-ai/sdk,
 * as Claude Code uses it) reaching an OpenAI-dialect upstream through the relay
 * — "Claude Code on DeepSeek" — streaming and tools included.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import type { Behavior } from "../../src/upstreams/simulator/types.js";
import { post, readSse } from "../helpers/http.js";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("POST /v1/messages on an OpenAI-dialect upstream (@anthropic-ai/sdk)", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let client: Anthropic;
  let next: Behavior | undefined;

  before(async () => {
    upstream = await startTestUpstream({
      id: "deepseek-like",
      models: ["sim-model"],
      script: () => {
        const behavior = next;
        next = undefined;
        return behavior;
      },
    });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "claude-sonnet-4-5": [{ provider: "deepseek-like", model: "sim-model", weight: 1 }] },
    });
    client = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("answers a message, translated, and says what served it", async () => {
    const { data, response } = await client.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 100,
        messages: [{ role: "user", content: "Hello Claude" }],
      })
      .withResponse();
    assert.equal(data.type, "message");
    assert.equal(data.role, "assistant");
    assert.deepEqual(
      data.content.map((b) => (b.type === "text" ? b.text : b.type)),
      ["You said: Hello Claude"],
    );
    assert.equal(data.stop_reason, "end_turn");
    assert.equal(data.model, "sim-model", "the upstream's model, never rewritten");
    assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0);
    assert.equal(response.headers.get("overt-served-by"), "deepseek-like/sim-model");
    assert.match(
      response.headers.get("overt-transformations") ?? "",
      /translated:anthropic-messages>openai-chat/,
    );
    const sent = upstream.simulator.hits.at(-1)?.body as {
      model: string;
      max_tokens: number;
      messages: unknown[];
    };
    assert.equal(sent.model, "sim-model");
    assert.equal(sent.max_tokens, 100);
    assert.deepEqual(sent.messages, [{ role: "user", content: "Hello Claude" }]);
  });

  it("streams in Anthropic's event grammar", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "Stream to me 你好" }],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    assert.equal(text, "You said: Stream to me 你好");
    assert.equal(final.stop_reason, "end_turn");
    assert.ok(final.usage.output_tokens > 0);
    const sent = upstream.simulator.hits.at(-1)?.body as {
      messages: Array<{ role: string }>;
      stream_options?: unknown;
    };
    assert.equal(sent.messages[0]?.role, "system");
    assert.deepEqual(sent.stream_options, { include_usage: true });
    const rows = await usageRecords(relay.relay, 1);
    assert.ok(
      rows.some((r) => r.stream && r.status === "ok" && r.usageSource === "upstream" && r.outputTokens > 0),
    );
  });

  it("runs a tool-use round trip, streaming and not", async () => {
    const first = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      tools: [WEATHER_TOOL],
      messages: [{ role: "user", content: "Weather in Shanghai?" }],
    });
    assert.equal(first.stop_reason, "tool_use");
    const toolUse = first.content.find((b) => b.type === "tool_use");
    assert.ok(toolUse && toolUse.type === "tool_use");
    assert.equal(toolUse.name, "get_weather");
    assert.equal(typeof (toolUse.input as { city?: unknown }).city, "string");

    const streamed = await client.messages
      .stream({
        model: "claude-sonnet-4-5",
        max_tokens: 200,
        tools: [WEATHER_TOOL],
        messages: [{ role: "user", content: "Weather in Shanghai?" }],
      })
      .finalMessage();
    const streamedTool = streamed.content.find((b) => b.type === "tool_use");
    assert.ok(streamedTool && streamedTool.type === "tool_use");
    assert.deepEqual(streamedTool.input, toolUse.input);

    const second = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      tools: [WEATHER_TOOL],
      messages: [
        { role: "user", content: "Weather in Shanghai?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Rainy, 12°C" }] },
      ],
    });
    assert.deepEqual(
      second.content.map((b) => (b.type === "text" ? b.text : b.type)),
      ["Tool said: Rainy, 12°C"],
    );
    const sent = upstream.simulator.hits.at(-1)?.body as { messages: Array<Record<string, unknown>> };
    assert.equal(sent.messages[1]?.role, "assistant");
    assert.ok(Array.isArray(sent.messages[1]?.tool_calls));
    assert.deepEqual(sent.messages[2], { role: "tool", tool_call_id: toolUse.id, content: "Rainy, 12°C" });
  });

  it("answers errors in Anthropic's envelope, before and after the stream starts", async () => {
    await assert.rejects(
      new Anthropic({
        apiKey: "sk-ant-api03-not-ours",
        baseURL: relay.baseUrl,
        maxRetries: 0,
      }).messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) => error instanceof Anthropic.AuthenticationError && error.status === 401,
    );
    await assert.rejects(
      client.messages.create({
        model: "claude-nope",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) => error instanceof Anthropic.NotFoundError,
    );
    const missing = await post(
      relay.baseUrl,
      "/v1/messages",
      { model: "claude-sonnet-4-5", messages: [] },
      {
        "x-api-key": relay.key,
      },
    );
    assert.equal(missing.status, 400);
    const body = (await missing.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /max_tokens/);
    assert.match(missing.headers.get("overt-error-code") ?? "", /./);

    next = {
      kind: "stream-error",
      afterChunks: 2,
      error: { message: "overloaded for org-Qq12345678", type: "server_error" },
    };
    const res = await post(
      relay.baseUrl,
      "/v1/messages",
      {
        model: "claude-sonnet-4-5",
        max_tokens: 50,
        stream: true,
        messages: [{ role: "user", content: "x" }],
      },
      { "x-api-key": relay.key, "anthropic-version": "2023-06-01" },
    );
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1) ?? "{}") as {
      type: string;
      error?: { type: string; message: string };
    };
    assert.equal(last.type, "error");
    assert.ok(!last.error?.message.includes("org-Qq12345678"));
    assert.ok(!events.some((e) => e.includes('"message_stop"')), "never a made-up message_stop");
  });

  it("count_tokens is estimated locally for an OpenAI-dialect upstream, and says so", async () => {
    const hitsBefore = upstream.simulator.hits.length;
    const { data, response } = await client.messages
      .countTokens({
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: "count these words please" }],
      })
      .withResponse();
    assert.ok(data.input_tokens > 0);
    assert.equal(response.headers.get("overt-token-count"), "estimated");
    assert.equal(upstream.simulator.hits.length, hitsBefore, "no upstream call");
  });

  it("B18: an OpenAI-shaped body on /v1/messages is refused with a clear 400", async () => {
    const res = await post(
      relay.baseUrl,
      "/v1/messages",
      {
        model: "claude-sonnet-4-5",
        messages: [
          { role: "system", content: "x" },
          { role: "user", content: "hi" },
        ],
        max_tokens: 5,
      },
      { "x-api-key": relay.key },
    );
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /role|system/);
  });
});
