/**
 * Issue 3 slice: Anthropic Messages client → Anthropic-dialect upstream is a
 * passthrough: unknown fields and beta headers survive, thinking signatures arrive
 * byte-exact, usage (with cache reads) is ledgered, errors are scrubbed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { verifyThinkingSignature } from "../../src/upstreams/simulator/anthropic/index.js";
import type { AnthropicBehavior } from "../../src/upstreams/simulator/anthropic/types.js";
import { post, readSse } from "../helpers/http.js";
import {
  startAnthropicUpstream,
  startTestRelay,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("POST /v1/messages on an Anthropic upstream (passthrough)", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let client: Anthropic;
  let next: AnthropicBehavior | undefined;

  before(async () => {
    upstream = await startAnthropicUpstream({
      id: "anthropic",
      script: () => {
        const behavior = next;
        next = undefined;
        return behavior;
      },
    });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "claude-opus-4-8": [{ provider: "anthropic", model: "claude-echo", weight: 1 }] },
      transport: { maxAttempts: 1 },
    });
    client = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("forwards the body with only the model changed, plus beta headers, and the relay's own credentials", async () => {
    const { data, response } = await client.messages
      .create(
        {
          model: "claude-opus-4-8",
          max_tokens: 64,
          messages: [{ role: "user", content: "Hello passthrough" }],
          ...({ context_management: { edits: [] }, some_future_field: { keep: 1 } } as Record<
            string,
            unknown
          >),
        },
        { headers: { "anthropic-beta": "context-management-2025-06-27" } },
      )
      .withResponse();
    assert.equal((data.content[0] as { text: string }).text, "You said: Hello passthrough");
    assert.equal(data.model, "claude-echo");
    assert.equal(response.headers.get("overt-served-by"), "anthropic/claude-echo");
    assert.match(response.headers.get("request-id") ?? "", /^req_/);
    const hit = upstream.simulator.hits.at(-1);
    const sent = hit?.body as Record<string, unknown>;
    assert.equal(sent.model, "claude-echo");
    assert.deepEqual(sent.some_future_field, { keep: 1 });
    assert.deepEqual(sent.context_management, { edits: [] });
    assert.equal(hit?.headers["anthropic-beta"], "context-management-2025-06-27");
    assert.equal(hit?.headers["x-api-key"], "sk-ant-upstream-test-key-0001");
    assert.ok(hit?.headers["anthropic-version"]);
    assert.ok(
      !JSON.stringify(hit?.headers).includes(relay.key),
      "the client's relay key never goes upstream",
    );
  });

  it("streams thinking with signatures byte-exact, and tool use", async () => {
    const message = await client.messages
      .stream({
        model: "claude-opus-4-8",
        max_tokens: 4096,
        thinking: { type: "enabled", budget_tokens: 1024 },
        tools: [
          {
            name: "lookup",
            input_schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
          },
        ],
        messages: [{ role: "user", content: "Look something up" }],
      })
      .finalMessage();
    const thinking = message.content.find((b) => b.type === "thinking");
    assert.ok(thinking && thinking.type === "thinking");
    assert.ok(
      verifyThinkingSignature(thinking.thinking, thinking.signature),
      "signature survives byte-exact",
    );
    assert.ok(message.content.some((b) => b.type === "tool_use"));
    assert.equal(message.stop_reason, "tool_use");

    // The signature sent back in history is accepted by the upstream (it verifies it).
    const toolUse = message.content.find((b) => b.type === "tool_use");
    assert.ok(toolUse && toolUse.type === "tool_use");
    const followUp = await client.messages.create({
      model: "claude-opus-4-8",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [{ name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
      messages: [
        { role: "user", content: "Look something up" },
        { role: "assistant", content: message.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "found it" }] },
      ],
    });
    assert.match(
      (followUp.content.find((b) => b.type === "text") as { text: string }).text,
      /Tool said: found it/,
    );
  });

  it("ledgers usage with cache reads", async () => {
    const body = {
      model: "claude-opus-4-8",
      max_tokens: 32,
      system: [
        {
          type: "text" as const,
          text: "A long, cacheable system prompt. ".repeat(20),
          cache_control: { type: "ephemeral" as const },
        },
      ],
      messages: [{ role: "user" as const, content: "cache me" }],
    };
    await client.messages.create(body);
    const second = await client.messages.create(body);
    assert.ok((second.usage.cache_read_input_tokens ?? 0) > 0);
    const rows = await usageRecords(relay.relay, 2);
    const row = rows.find((r) => r.cachedInputTokens > 0);
    assert.ok(row, "a row with cache reads");
    assert.equal(row.provider, "anthropic");
    assert.ok(row.inputTokens >= row.cachedInputTokens);
    assert.equal(row.usageSource, "upstream");
  });

  it("turns an upstream overload mid-stream into Anthropic's error event, scrubbed, and a partial record", async () => {
    next = {
      kind: "stream-error",
      afterEvents: 3,
      error: { type: "overloaded_error", message: "Overloaded" },
    };
    const res = await post(
      relay.baseUrl,
      "/v1/messages",
      { model: "claude-opus-4-8", max_tokens: 50, stream: true, messages: [{ role: "user", content: "x" }] },
      { "x-api-key": relay.key, "anthropic-version": "2023-06-01" },
    );
    const requestId = res.headers.get("x-request-id");
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1) ?? "{}") as { type: string; error?: { type: string } };
    assert.equal(last.type, "error");
    assert.ok(!events.some((e) => e.includes('"message_stop"')));
    let row: Awaited<ReturnType<typeof usageRecords>>[number] | undefined;
    for (let i = 0; i < 50 && !row; i++)
      row = (await usageRecords(relay.relay, 1)).find((r) => r.requestId === requestId);
    assert.equal(row?.status, "partial");
  });

  it("a model released after the price table works without config, recorded as unpriced", async () => {
    const wild = await startAnthropicUpstream({ id: "anthropic", wildcard: true });
    const wildRelay = await startTestRelay({ providers: [wild.provider] });
    try {
      const c = new Anthropic({ apiKey: wildRelay.key, baseURL: wildRelay.baseUrl, maxRetries: 0 });
      const reply = await c.messages.create({
        model: "claude-opus-9-9",
        max_tokens: 20,
        messages: [{ role: "user", content: "new" }],
      });
      assert.equal(reply.model, "claude-opus-9-9");
      assert.equal(
        (wild.simulator.hits.at(-1)?.body as { model?: string } | undefined)?.model,
        "claude-opus-9-9",
      );
      const rows = await usageRecords(wildRelay.relay, 1);
      const row = rows.find((r) => r.upstreamModel === "claude-opus-9-9");
      assert.ok(row);
      assert.equal(row.unpriced, true);
      assert.equal(row.costNano, 0n);
      assert.ok(row.inputTokens > 0, "usage is still recorded");
    } finally {
      await wildRelay.close();
      await wild.simulator.close();
    }
  });

  it("count_tokens is answered by the Anthropic upstream, exactly", async () => {
    const params = {
      model: "claude-opus-4-8",
      messages: [{ role: "user" as const, content: "How many tokens is this?" }],
    };
    const viaRelay = await client.messages.countTokens(params);
    const direct = await new Anthropic({
      apiKey: "sk-ant-upstream-test-key-0001",
      baseURL: upstream.simulator.url,
      maxRetries: 0,
    }).messages.countTokens({ ...params, model: "claude-echo" });
    assert.equal(viaRelay.input_tokens, direct.input_tokens);
    assert.ok(viaRelay.input_tokens > 0);
  });

  it("serves an OpenAI Chat client from the Anthropic upstream, translated, streaming and tools included", async () => {
    const openai = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const { data, response } = await openai.chat.completions
      .create({
        model: "claude-opus-4-8",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hello from the OpenAI SDK" },
        ],
        max_tokens: 64,
      })
      .withResponse();
    assert.equal(data.object, "chat.completion");
    assert.equal(data.choices[0]?.message.content, "You said: Hello from the OpenAI SDK");
    assert.equal(data.choices[0]?.finish_reason, "stop");
    assert.equal(data.model, "claude-echo");
    assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
    assert.match(
      response.headers.get("overt-transformations") ?? "",
      /translated:openai-chat>anthropic-messages/,
    );
    const sent = upstream.simulator.hits.at(-1)?.body as {
      system?: unknown;
      max_tokens: number;
      model: string;
    };
    assert.equal(sent.model, "claude-echo");
    assert.equal(sent.system, "Be brief.");
    assert.equal(sent.max_tokens, 64);

    const stream = await openai.chat.completions.create({
      model: "claude-opus-4-8",
      messages: [{ role: "user", content: "Stream 你好" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "You said: Stream 你好");
    assert.ok(usage && usage.completion_tokens > 0);

    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "lookup",
          parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
        },
      },
    ];
    const first = await openai.chat.completions.create({
      model: "claude-opus-4-8",
      messages: [{ role: "user", content: "look it up" }],
      tools,
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.equal(first.choices[0]?.finish_reason, "tool_calls");
    assert.ok(call && call.type === "function" && call.function.name === "lookup");
    const second = await openai.chat.completions.create({
      model: "claude-opus-4-8",
      messages: [
        { role: "user", content: "look it up" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "42" },
      ],
      tools,
    });
    assert.equal(second.choices[0]?.message.content, "Tool said: 42");
  });
});
