/**
 * IR → Anthropic Messages request: an OpenAI Chat conversation (as the IR holds
 * it) re-encoded for an Anthropic-dialect upstream, field by field, with every
 * lossy step named in `transformations`. Refusals: anthropic-translate-refusals.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrRequest } from "../../src/ir/request.js";
import { encodeMessagesRequest } from "../../src/upstreams/anthropic/translate-request.js";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

/** A minimal IR request as an OpenAI Chat codec would produce it. */
const irOf = (over: Partial<IrRequest> = {}): IrRequest => ({
  model: "claude-via-openai",
  system: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  stop: [],
  stream: false,
  dialect: "openai-chat",
  extensions: {},
  ...over,
});

describe("encodeMessagesRequest", () => {
  it("translates an OpenAI Chat tool conversation: roles, merging, tools, sampling, extensions", () => {
    const ir = irOf({
      messages: [
        { role: "system", content: [{ type: "text", text: "You are terse." }] },
        {
          role: "user",
          name: "alice",
          content: [
            { type: "text", text: "Weather in Paris and Lyon?" },
            {
              type: "image",
              source: { kind: "url", url: `data:image/png;base64,${PNG}` },
              detail: "high",
            },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "" },
            { type: "tool_use", id: "call_1", name: "get_weather", input: '{"city":"Paris"}' },
            { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "Lyon" } },
          ],
        },
        {
          role: "tool",
          content: [{ type: "tool_result", toolUseId: "call_1", content: [{ type: "text", text: "18°C" }] }],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool_result",
              toolUseId: "call_2",
              content: [{ type: "text", text: "timeout" }],
              isError: true,
            },
          ],
        },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: [{ type: "text", text: "Et demain ?" }] },
      ],
      tools: [
        { name: "get_weather", description: "Current weather", inputSchema: weatherSchema, strict: true },
        { name: "get_time", inputSchema: undefined, cacheControl: { type: "ephemeral" } },
      ],
      toolChoice: { type: "required" },
      parallelToolCalls: false,
      temperature: 0.7,
      topP: 0.9,
      stop: ["END"],
      seed: 42,
      n: 1,
      logprobs: false,
      user: "user-123",
      stream: true,
      extensions: { frequency_penalty: 0.5, service_tier: "auto" },
    });
    const { body, transformations } = encodeMessagesRequest(ir, "claude-sonnet-4-5");
    assert.deepEqual(body, {
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Answer in French." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather in Paris and Lyon?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "Lyon" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_1", content: [{ type: "text", text: "18°C" }] },
            {
              type: "tool_result",
              tool_use_id: "call_2",
              content: [{ type: "text", text: "timeout" }],
              is_error: true,
            },
            { type: "text", text: "Et demain ?" },
          ],
        },
      ],
      tools: [
        { name: "get_weather", description: "Current weather", input_schema: weatherSchema, strict: true },
        {
          name: "get_time",
          input_schema: { type: "object", properties: {} },
          cache_control: { type: "ephemeral" },
        },
      ],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      temperature: 0.7,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "user-123" },
      stream: true,
    });
    assert.deepEqual(transformations, [
      "dropped:message.name",
      "dropped:image.detail",
      "dropped:empty_text_block",
      "merged:consecutive_user_messages",
      "converted:developer_to_system",
      "moved:system_message_to_system",
      "defaulted:max_tokens",
      "dropped:seed",
      "dropped:frequency_penalty",
      "dropped:service_tier",
    ]);
  });

  it("keeps thinking with signatures and cache marks, drops unsigned thinking, maps structured output", () => {
    const ir = irOf({
      system: [{ type: "text", text: "Long shared context", cacheControl: { type: "ephemeral", ttl: "1h" } }],
      messages: [
        { role: "assistant", content: [{ type: "text", text: "Hello! How can I help?" }] },
        {
          role: "user",
          content: [{ type: "text", text: "What is 2+2?", cacheControl: { type: "ephemeral" } }],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Simple arithmetic.", signature: "EqQBCgIYAhIM" },
            { type: "thinking", thinking: "Reasoning from another provider." },
            { type: "redacted_thinking", data: "EmwKAhgBEgy3va3p" },
            { type: "text", text: '{"answer":4}' },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "document",
              source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
              title: "Spec",
            },
            { type: "document", source: { kind: "text", text: "plain notes" } },
            { type: "text", text: "And 3+3?" },
          ],
        },
      ],
      maxOutputTokens: 8192,
      thinking: { type: "enabled", budgetTokens: 2048, display: "summarized" },
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
    });
    const { body, transformations } = encodeMessagesRequest(ir, "claude-opus-4-5");
    assert.deepEqual(body, {
      model: "claude-opus-4-5",
      max_tokens: 8192,
      system: [
        { type: "text", text: "Long shared context", cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "." }] },
        { role: "assistant", content: [{ type: "text", text: "Hello! How can I help?" }] },
        {
          role: "user",
          content: [{ type: "text", text: "What is 2+2?", cache_control: { type: "ephemeral" } }],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Simple arithmetic.", signature: "EqQBCgIYAhIM" },
            { type: "redacted_thinking", data: "EmwKAhgBEgy3va3p" },
            { type: "text", text: '{"answer":4}' },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "document",
              source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
              title: "Spec",
            },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "plain notes" } },
            { type: "text", text: "And 3+3?" },
          ],
        },
      ],
      thinking: { type: "enabled", budget_tokens: 2048, display: "summarized" },
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    });
    assert.deepEqual(transformations, [
      "dropped:unsigned_thinking",
      "inserted:leading_user_message",
      "dropped:response_format.name",
    ]);
    const kept = encodeMessagesRequest(ir, "claude-opus-4-5", { leadingAssistant: "keep" });
    assert.deepEqual(
      (kept.body.messages as { role: string }[]).map((m) => m.role),
      ["assistant", "user", "assistant", "user"],
    );
    assert.ok(!kept.transformations.includes("inserted:leading_user_message"));
  });

  it("defaults max_tokens (plus the thinking budget) and the thinking budget, and says so", () => {
    const budgeted = encodeMessagesRequest(irOf({ thinking: { type: "enabled", budgetTokens: 2048 } }), "m");
    assert.equal(budgeted.body.max_tokens, 4096 + 2048);
    assert.deepEqual(budgeted.transformations, ["defaulted:max_tokens"]);
    const bare = encodeMessagesRequest(irOf({ thinking: { type: "enabled" } }), "m");
    assert.deepEqual(bare.body.thinking, { type: "enabled", budget_tokens: 1024 });
    assert.equal(bare.body.max_tokens, 4096 + 1024);
    assert.deepEqual(bare.transformations, ["defaulted:thinking.budget_tokens", "defaulted:max_tokens"]);
    assert.equal(encodeMessagesRequest(irOf(), "m", { defaultMaxTokens: 1000 }).body.max_tokens, 1000);
    const adaptive = encodeMessagesRequest(
      irOf({ maxOutputTokens: 500, thinking: { type: "adaptive", budgetTokens: 9, display: "omitted" } }),
      "m",
    );
    assert.deepEqual(adaptive.body.thinking, { type: "adaptive", display: "omitted" });
    assert.equal(adaptive.body.max_tokens, 500);
    assert.deepEqual(adaptive.transformations, ["dropped:thinking.budget_tokens"]);
    const off = encodeMessagesRequest(irOf({ maxOutputTokens: 10, thinking: { type: "disabled" } }), "m");
    assert.deepEqual(off.body.thinking, { type: "disabled" });
    assert.deepEqual(off.transformations, []);
  });
});
