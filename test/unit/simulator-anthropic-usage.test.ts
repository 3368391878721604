/**
 * The Anthropic Messages simulator's limits and bookkeeping — max_tokens,
 * stop_sequences, count_tokens, prompt caching, passthrough of unknown fields,
 * models, refusals — driven by the official `@anthropic-ai/sdk` (DESIGN §12).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { startAnthropicSimulator } from "../../src/upstreams/simulator/anthropic/index.js";
import { countTokens, type Simulator } from "../../src/upstreams/simulator/index.js";

const API_KEY = "sk-ant-simulator-test-key";
const MODEL = "claude-echo";

const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: {
      city: { type: "string" },
      days: { type: "integer", minimum: 1 },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["city", "days", "unit"],
  },
};

function post(sim: Simulator, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": API_KEY,
      "anthropic-version": "2023-06-01",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe("Anthropic simulator limits, usage and refusals via the official @anthropic-ai/sdk", () => {
  let sim: Simulator;
  let client: Anthropic;
  before(async () => {
    sim = await startAnthropicSimulator({ apiKey: API_KEY });
    client = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0 });
  });
  after(() => sim.close());

  it("max_tokens cuts output (stop_reason max_tokens); stop_sequences cut with stop_sequence set", async () => {
    const cut = await client.messages.create({
      model: MODEL,
      max_tokens: 3,
      messages: [{ role: "user", content: "one two three four five" }],
    });
    assert.equal(cut.stop_reason, "max_tokens");
    assert.deepEqual(cut.content, [{ type: "text", text: "You said:" }]);
    assert.equal(cut.usage.output_tokens, 3);

    const stopped = await client.messages
      .stream({
        model: MODEL,
        max_tokens: 100,
        stop_sequences: ["STOP", "three"],
        messages: [{ role: "user", content: "one two three four" }],
      })
      .finalMessage();
    assert.equal(stopped.stop_reason, "stop_sequence");
    assert.equal(stopped.stop_sequence, "three");
    assert.deepEqual(stopped.content, [{ type: "text", text: "You said: one two " }]);
  });

  it("count_tokens returns {input_tokens} equal to the input_tokens of the same prompt", async () => {
    const prompt = {
      model: MODEL,
      system: "You are terse.",
      tools: [weatherTool],
      messages: [{ role: "user" as const, content: "Count me" }],
    };
    const counted = await client.messages.countTokens(prompt);
    assert.deepEqual(Object.keys(counted), ["input_tokens"]);
    const msg = await client.messages.create({ ...prompt, max_tokens: 10, tool_choice: { type: "none" } });
    assert.equal(counted.input_tokens, msg.usage.input_tokens);
    const raw = await post(sim, "/v1/messages/count_tokens", {
      model: MODEL,
      messages: [{ role: "user", content: "x" }],
    });
    assert.deepEqual(await raw.json(), { input_tokens: 3 + 3 + 1 });
  });

  it("cache_control: creation on first sight of a prefix, read on repeats, per model, 1h ttl split out", async () => {
    const system = [
      {
        type: "text" as const,
        text: "A long and stable system prompt.",
        cache_control: { type: "ephemeral" as const },
      },
    ];
    const ask = (content: string) =>
      client.messages.create({ model: MODEL, max_tokens: 50, system, messages: [{ role: "user", content }] });
    const prefix = 3 + countTokens("A long and stable system prompt.");
    const first = await ask("first");
    assert.equal(first.usage.cache_creation_input_tokens, prefix);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.equal(first.usage.input_tokens, 3 + countTokens("first"));
    assert.deepEqual(first.usage.cache_creation, {
      ephemeral_5m_input_tokens: prefix,
      ephemeral_1h_input_tokens: 0,
    });
    const second = await ask("second question");
    assert.equal(second.usage.cache_creation_input_tokens, 0);
    assert.equal(second.usage.cache_read_input_tokens, prefix);
    assert.equal(second.usage.input_tokens, 3 + countTokens("second question"));
    const other = await client.messages.create({
      model: "claude-echo-other",
      max_tokens: 50,
      system,
      messages: [{ role: "user", content: "first" }],
    });
    assert.equal(other.usage.cache_creation_input_tokens, prefix, "the cache is per model");

    // Two breakpoints: the system prefix is read, the new 1h-marked turn is written.
    const turn = "a long user turn worth caching";
    const both = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system,
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: turn, cache_control: { type: "ephemeral", ttl: "1h" } }],
        },
      ],
    });
    assert.equal(both.usage.cache_read_input_tokens, prefix);
    assert.equal(both.usage.cache_creation_input_tokens, 3 + countTokens(turn));
    assert.deepEqual(both.usage.cache_creation, {
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: 3 + countTokens(turn),
    });
    assert.equal(both.usage.input_tokens, 0);
  });

  it("records unknown fields and anthropic-beta headers untouched in hits", async () => {
    const body = {
      model: MODEL,
      max_tokens: 20,
      messages: [{ role: "user", content: "beta" }],
      context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
      some_future_field: { nested: [1, 2, 3] },
    };
    await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming, {
      headers: { "anthropic-beta": "context-management-2025-06-27,interleaved-thinking-2025-05-14" },
    });
    const hit = sim.hits.at(-1)!;
    assert.equal(
      hit.headers["anthropic-beta"],
      "context-management-2025-06-27,interleaved-thinking-2025-05-14",
    );
    assert.deepEqual((hit.body as Record<string, unknown>)["some_future_field"], { nested: [1, 2, 3] });
    assert.deepEqual((hit.body as Record<string, unknown>)["context_management"], body.context_management);
    assert.equal(JSON.parse(hit.rawBody).some_future_field.nested[2], 3);
  });

  it("lists models in Anthropic's page shape", async () => {
    const page = await client.models.list();
    assert.deepEqual(
      page.data.map((m) => m.id),
      ["claude-echo"],
    );
    assert.equal(page.data[0]?.type, "model");
    assert.equal(page.data[0]?.created_at, "2025-01-01T00:00:00Z");
    const one = await client.models.retrieve("claude-echo");
    assert.equal(one.display_name, "Claude Echo (Overt simulator)");
    await assert.rejects(client.models.retrieve("nope"), Anthropic.NotFoundError);
  });

  it("refuses like the real API: missing anthropic-version, missing max_tokens, bad key", async () => {
    const noVersion = await fetch(`${sim.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": API_KEY },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(noVersion.status, 400);
    const body = (await noVersion.json()) as Record<string, unknown>;
    assert.deepEqual(body, {
      type: "error",
      error: { type: "invalid_request_error", message: "anthropic-version: header is required" },
      request_id: noVersion.headers.get("request-id"),
    });

    const noMax = await post(sim, "/v1/messages", {
      model: MODEL,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(noMax.status, 400);
    assert.equal(
      ((await noMax.json()) as { error: { message: string } }).error.message,
      "max_tokens: Field required",
    );

    const bad = new Anthropic({ baseURL: sim.url, apiKey: "wrong", maxRetries: 0 });
    await assert.rejects(
      bad.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
      (err: unknown) =>
        err instanceof Anthropic.AuthenticationError &&
        err.type === "authentication_error" &&
        err.apiMessage === "invalid x-api-key",
    );
    const missing = await post(sim, "/v1/messages", {}, { "x-api-key": "" });
    assert.equal(missing.status, 401);
    const missingBody = (await missing.json()) as { error: { type: string; message: string } };
    assert.deepEqual(missingBody.error, {
      type: "authentication_error",
      message: "x-api-key header is required",
    });
  });
});
