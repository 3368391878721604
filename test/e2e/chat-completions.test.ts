/**
 * The core promise of issue 2, end to end with the official `openai` SDK as the
 * client and a real HTTP simulator as the upstream.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("POST /v1/chat/completions through the relay (openai SDK)", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let client: OpenAI;

  before(async () => {
    upstream = await startTestUpstream({
      id: "acme",
      models: ["sim-model"],
      apiKey: "sk-upstream-secret-123456",
    });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-4o": [{ provider: "acme", model: "sim-model", weight: 1 }] },
    });
    client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("answers a non-streaming request and says what served it", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello relay" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "You said: Hello relay");
    assert.equal(response.headers.get("overt-served-by"), "acme/sim-model");
    // The body's model is the upstream's answer, never rewritten to the requested name.
    assert.equal(data.model, "sim-model");
    assert.ok(response.headers.get("x-request-id")?.startsWith("req_"));
    const hit = upstream.simulator.hits.at(-1);
    assert.equal(hit?.headers.authorization, "Bearer sk-upstream-secret-123456");
    assert.equal((hit?.body as { model?: string } | undefined)?.model, "sim-model");
  });

  it("streams with SSE and strips the usage chunk the client did not ask for", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Stream please" }],
      stream: true,
    });
    let text = "";
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) sawUsage = true;
    }
    assert.equal(text, "You said: Stream please");
    assert.equal(sawUsage, false);
    const sent = upstream.simulator.hits.at(-1)?.body as { stream_options?: { include_usage?: boolean } };
    assert.equal(sent.stream_options?.include_usage, true, "relay asks the upstream for usage");
  });

  it("passes the usage chunk through when the client asked for it", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Count me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage && usage.completion_tokens > 0 && usage.prompt_tokens > 0);
  });

  it("relays tool calls, streamed tool-argument deltas and tool results", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const first = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Weather in Beijing?" }],
      tools,
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.equal(first.choices[0]?.finish_reason, "tool_calls");
    assert.ok(call && call.type === "function");
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(Object.keys(JSON.parse(call.function.arguments)), ["city"]);

    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Weather in Beijing?" }],
      tools,
      stream: true,
    });
    let args = "";
    let name = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.function?.name) name = delta.function.name;
      args += delta?.function?.arguments ?? "";
    }
    assert.equal(name, "get_weather");
    assert.deepEqual(JSON.parse(args), JSON.parse(call.function.arguments));

    const second = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "user", content: "Weather in Beijing?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "Sunny, 21°C" },
      ],
      tools,
    });
    assert.equal(second.choices[0]?.message.content, "Tool said: Sunny, 21°C");
  });

  it("forwards vision parts, response_format, n, stop, seed and logprobs faithfully", async () => {
    const result = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
          ],
        },
      ],
      n: 2,
      stop: ["never-appears"],
      seed: 42,
      logprobs: true,
      top_logprobs: 2,
      response_format: { type: "json_object" },
      // An unknown field must survive passthrough untouched.
      ...({ vendor_extension: { keep: true } } as Record<string, unknown>),
    });
    assert.equal(result.choices.length, 2);
    assert.ok(result.choices[0]?.logprobs?.content?.length);
    assert.doesNotThrow(() => JSON.parse(result.choices[0]?.message.content ?? ""));
    const sent = upstream.simulator.hits.at(-1)?.body as Record<string, unknown>;
    assert.deepEqual(sent.messages, [
      {
        role: "user",
        content: [
          { type: "text", text: "Describe" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
        ],
      },
    ]);
    assert.equal(sent.n, 2);
    assert.deepEqual(sent.stop, ["never-appears"]);
    assert.equal(sent.seed, 42);
    assert.equal(sent.logprobs, true);
    assert.equal(sent.top_logprobs, 2);
    assert.deepEqual(sent.response_format, { type: "json_object" });
    assert.deepEqual(sent.vendor_extension, { keep: true });
  });

  it("lists only the models the key may use", async () => {
    const all = await client.models.list();
    const ids = all.data.map((m) => m.id).sort();
    assert.deepEqual(ids, ["acme/sim-model", "gpt-4o", "sim-model"]);
    const limited = await relay.relay.keys.create({
      name: "limited",
      models: ["gpt-4o"],
      expiresAt: null,
      actor: "test",
    });
    const other = new OpenAI({ apiKey: limited.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const seen = (await other.models.list()).data.map((m) => m.id);
    assert.deepEqual(seen, ["gpt-4o"]);
  });

  it("records one ledger row per request with tokens and integer cost", async () => {
    const before = (await usageRecords(relay.relay, 0)).length;
    await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "bill me" }],
    });
    const rows = await usageRecords(relay.relay, before + 1);
    const row = rows.find((r) => r.requestedModel === "gpt-4o" && r.status === "ok" && !r.stream);
    assert.ok(row);
    assert.equal(row.provider, "acme");
    assert.equal(row.upstreamModel, "sim-model");
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0);
    // 2.50 per 1M input = 2500 nano/token; 10 per 1M output = 10000 nano/token.
    const expected =
      BigInt(row.inputTokens - row.cachedInputTokens) * 2500n +
      BigInt(row.cachedInputTokens) * 1250n +
      BigInt(row.outputTokens) * 10000n;
    assert.equal(row.costNano, expected);
    assert.equal(row.usageSource, "upstream");
    assert.ok(row.ttftMs !== null && row.latencyMs >= 0);
  });
});
