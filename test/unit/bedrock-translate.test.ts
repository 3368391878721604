/**
 * IR ↔ Bedrock Converse translation goldens.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrRequest } from "../../src/ir/request.js";
import { encodeConverseRequest } from "../../src/upstreams/bedrock/translate-request.js";
import {
  ConverseStreamDecoder,
  decodeConverseResponse,
  normaliseConverseUsage,
} from "../../src/upstreams/bedrock/translate-response.js";

function ir(over: Partial<IrRequest> = {}): IrRequest {
  return {
    model: "m",
    system: [],
    messages: [],
    tools: [],
    stop: [],
    stream: false,
    extensions: {},
    ...over,
  };
}

const unsupported = (param: string) => (e: unknown) =>
  e instanceof OvertError && e.errorName === "OVT_ERR_TRANSLATE_UNSUPPORTED" && e.param === param;

describe("encodeConverseRequest", () => {
  it("maps a full request (golden)", () => {
    const { body, transformations } = encodeConverseRequest(
      ir({
        system: [{ type: "text", text: "Be brief.", cacheControl: { type: "ephemeral" } }],
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Weather?" },
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA=" } },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "hmm", signature: "sig" },
              { type: "tool_use", id: "t1", name: "get_weather", input: '{"city":"Paris"}' },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool_result",
                toolUseId: "t1",
                content: [{ type: "text", text: "sunny" }],
                isError: false,
              },
            ],
          },
        ],
        tools: [{ name: "get_weather", description: "Weather", inputSchema: { type: "object" } }],
        toolChoice: { type: "tool", name: "get_weather" },
        maxOutputTokens: 100,
        temperature: 0.5,
        topP: 0.9,
        topK: 40,
        stop: ["END"],
        thinking: { type: "enabled", budgetTokens: 2048 },
        seed: 1,
      }),
      "us.anthropic.claude-sonnet-4-v1:0",
    );
    assert.deepEqual(body, {
      messages: [
        {
          role: "user",
          content: [{ text: "Weather?" }, { image: { format: "png", source: { bytes: "AAA=" } } }],
        },
        {
          role: "assistant",
          content: [
            { reasoningContent: { reasoningText: { text: "hmm", signature: "sig" } } },
            { toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } },
          ],
        },
        {
          role: "user",
          content: [{ toolResult: { toolUseId: "t1", content: [{ text: "sunny" }], status: "success" } }],
        },
      ],
      system: [{ text: "Be brief." }, { cachePoint: { type: "default" } }],
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ["END"] },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: "get_weather",
              description: "Weather",
              inputSchema: { json: { type: "object" } },
            },
          },
        ],
        toolChoice: { tool: { name: "get_weather" } },
      },
      additionalModelRequestFields: { top_k: 40, thinking: { type: "enabled", budget_tokens: 2048 } },
    });
    assert.deepEqual(transformations, ["dropped:seed", "converted:cache_control"]);
  });

  it("refuses what cannot map, naming the parameter", () => {
    const user = [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }];
    assert.throws(
      () => encodeConverseRequest(ir({ messages: user, n: 2 }), "amazon.nova-pro-v1:0"),
      unsupported("n"),
    );
    assert.throws(
      () => encodeConverseRequest(ir({ messages: user, topK: 5 }), "meta.llama3-70b"),
      unsupported("top_k"),
    );
    assert.throws(
      () => encodeConverseRequest(ir({ messages: user, responseFormat: { type: "json_object" } }), "m"),
      unsupported("response_format"),
    );
    const url = [
      {
        role: "user" as const,
        content: [{ type: "image" as const, source: { kind: "url" as const, url: "https://x/y.png" } }],
      },
    ];
    assert.throws(
      () => encodeConverseRequest(ir({ messages: url }), "m"),
      unsupported("messages.0.content.0"),
    );
  });

  it("merges turns, hoists system messages and records drops", () => {
    const { body, transformations } = encodeConverseRequest(
      ir({
        messages: [
          { role: "developer", content: [{ type: "text", text: "rules" }] },
          { role: "user", content: [{ type: "text", text: "a" }] },
          { role: "user", content: [{ type: "text", text: "b" }] },
        ],
        user: "u1",
        extensions: { store: true },
      }),
      "amazon.nova-lite-v1:0",
    );
    assert.deepEqual(body, {
      messages: [{ role: "user", content: [{ text: "a" }, { text: "b" }] }],
      system: [{ text: "rules" }],
    });
    assert.deepEqual(transformations, [
      "dropped:user",
      "converted:developer_to_system",
      "merged:consecutive_user_messages",
      "dropped:store",
    ]);
  });
});

describe("Converse responses", () => {
  it("decodes a JSON response (golden)", () => {
    const events = decodeConverseResponse(
      {
        output: {
          message: {
            role: "assistant",
            content: [{ text: "Hi" }, { toolUse: { toolUseId: "t", name: "f", input: { a: 1 } } }],
          },
        },
        stopReason: "tool_use",
        usage: {
          inputTokens: 10,
          outputTokens: 5,
          totalTokens: 15,
          cacheReadInputTokens: 4,
          cacheWriteInputTokens: 2,
        },
      },
      "bedrock",
      { id: "req-1", model: "m" },
    );
    assert.deepEqual(events, [
      { type: "start", id: "req-1", model: "m" },
      { type: "text_delta", index: 0, choice: 0, text: "Hi" },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "tool_call_start", index: 1, choice: 0, id: "t", name: "f" },
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '{"a":1}' },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
      {
        type: "usage",
        usage: {
          inputTokens: 16,
          cachedInputTokens: 4,
          cacheWriteTokens: 2,
          outputTokens: 5,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it("decodes stream events, then stops at an exception", () => {
    const d = new ConverseStreamDecoder("bedrock", { id: "r", model: "m" });
    const events = [
      ...d.push("messageStart", { role: "assistant" }),
      ...d.push("contentBlockDelta", {
        contentBlockIndex: 0,
        delta: { reasoningContent: { text: "think" } },
      }),
      ...d.push("contentBlockDelta", {
        contentBlockIndex: 0,
        delta: { reasoningContent: { signature: "s" } },
      }),
      ...d.push("contentBlockStop", { contentBlockIndex: 0 }),
      ...d.push("contentBlockStart", {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: "t", name: "f" } },
      }),
      ...d.push("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '{"a"' } } }),
      ...d.push("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: ":1}" } } }),
      ...d.push("contentBlockStop", { contentBlockIndex: 1 }),
      ...d.push("messageStop", { stopReason: "guardrail_intervened" }),
      ...d.push("metadata", { usage: { inputTokens: 3, outputTokens: 4 } }),
    ];
    assert.equal(d.finished, true);
    assert.deepEqual(events, [
      { type: "start", id: "r", model: "m" },
      { type: "thinking_delta", index: 0, choice: 0, text: "think" },
      { type: "thinking_delta", index: 0, choice: 0, text: "", signature: "s" },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "tool_call_start", index: 1, choice: 0, id: "t", name: "f" },
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '{"a"' },
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: ":1}" },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "finish", choice: 0, reason: "content_filter", rawReason: "guardrail_intervened" },
      {
        type: "usage",
        usage: {
          inputTokens: 3,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 4,
          reasoningTokens: 0,
        },
      },
    ]);
    const e = new ConverseStreamDecoder("bedrock", { secrets: ["SECRETKEY"] });
    e.push("messageStart", {});
    const [err] = e.push("throttlingException", { message: "slow SECRETKEY" }, true);
    assert.equal(err?.type, "error");
    assert.ok(
      err?.type === "error" &&
        err.code === "OVT_ERR_UPSTREAM_STREAM_ERROR" &&
        !err.message.includes("SECRETKEY"),
    );
    assert.deepEqual(e.push("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "x" } }), []);
    assert.equal(e.finished, false);
  });

  it("validates usage like the OpenAI normaliser", () => {
    assert.equal(normaliseConverseUsage(undefined), null);
    const u = normaliseConverseUsage({ inputTokens: -1, outputTokens: 2.5, cacheReadInputTokens: 3 });
    assert.deepEqual(u, {
      inputTokens: 3,
      cachedInputTokens: 3,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      source: "upstream",
      flagged: true,
    });
  });
});
