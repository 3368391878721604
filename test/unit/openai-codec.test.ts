/**
 * OpenAI Chat Completions codec, request side: decodeChatRequest maps a body
 * typed with the official `openai` SDK's params to the exact IR, keeps what has
 * no IR home in `extensions` (failures: openai-codec-errors.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type OpenAI from "openai";
import { decodeChatRequest } from "../../src/protocols/openai-chat/decode.js";
import { validateChatRequest } from "../../src/protocols/openai-chat/validate.js";

type Params = OpenAI.Chat.ChatCompletionCreateParams;

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const decode = (body: unknown) => decodeChatRequest(validateChatRequest(body));

const minimal = (over: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-5",
  messages: [{ role: "user", content: "hi" }],
  ...over,
});

/** A two-turn agent exchange: parallel tool calls, their results, an image, every sampling knob. */
const agentBody: Params = {
  model: "claude-sonnet-4-5",
  messages: [
    { role: "system", content: "你是一个天气助手。" },
    { role: "developer", content: [{ type: "text", text: "Answer in Chinese." }] },
    {
      role: "user",
      name: "alice",
      content: [
        { type: "text", text: "北京和上海的天气怎么样？看看这张图" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } },
        { type: "image_url", image_url: { url: "https://example.com/sky.jpg" } },
      ],
    },
    {
      role: "assistant",
      content: "我来查一下。",
      tool_calls: [
        {
          id: "call_bj",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"北京"}' },
        },
        {
          id: "call_sh",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"上海"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_bj", content: "晴，25°C" },
    { role: "tool", tool_call_id: "call_sh", content: [{ type: "text", text: "小雨，22°C" }] },
    { role: "user", content: "谢谢" },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "查询城市天气",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        strict: true,
      },
    },
  ],
  tool_choice: { type: "function", function: { name: "get_weather" } },
  parallel_tool_calls: true,
  max_completion_tokens: 4096,
  max_tokens: 99,
  temperature: 0.7,
  top_p: 0.9,
  stop: "</answer>",
  seed: 42,
  n: 1,
  logprobs: true,
  top_logprobs: 3,
  response_format: {
    type: "json_schema",
    json_schema: { name: "weather", description: "A report", schema: { type: "object" }, strict: true },
  },
  stream: true,
  stream_options: { include_usage: true },
  reasoning_effort: "medium",
  user: "user-123",
  frequency_penalty: 0.5,
  metadata: { team: "ops" },
  store: false,
  service_tier: "auto",
};

describe("decodeChatRequest", () => {
  it("maps an agent exchange to the exact IR", () => {
    assert.deepEqual(decode(agentBody), {
      model: "claude-sonnet-4-5",
      system: [
        { type: "text", text: "你是一个天气助手。" },
        { type: "text", text: "Answer in Chinese." },
      ],
      messages: [
        {
          role: "user",
          name: "alice",
          content: [
            { type: "text", text: "北京和上海的天气怎么样？看看这张图" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: PNG }, detail: "high" },
            { type: "image", source: { kind: "url", url: "https://example.com/sky.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "我来查一下。" },
            { type: "tool_use", id: "call_bj", name: "get_weather", input: { city: "北京" } },
            { type: "tool_use", id: "call_sh", name: "get_weather", input: { city: "上海" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", toolUseId: "call_bj", content: [{ type: "text", text: "晴，25°C" }] },
            { type: "tool_result", toolUseId: "call_sh", content: [{ type: "text", text: "小雨，22°C" }] },
          ],
        },
        { role: "user", content: [{ type: "text", text: "谢谢" }] },
      ],
      tools: [
        {
          name: "get_weather",
          description: "查询城市天气",
          inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          strict: true,
        },
      ],
      toolChoice: { type: "tool", name: "get_weather" },
      parallelToolCalls: true,
      maxOutputTokens: 4096,
      temperature: 0.7,
      topP: 0.9,
      stop: ["</answer>"],
      seed: 42,
      n: 1,
      logprobs: true,
      topLogprobs: 3,
      responseFormat: { type: "json_schema", name: "weather", schema: { type: "object" }, strict: true },
      stream: true,
      thinking: { type: "enabled", budgetTokens: 2048 }, // medium (8192), capped at half of max_completion_tokens
      user: "user-123",
      dialect: "openai-chat",
      extensions: {
        frequency_penalty: 0.5,
        metadata: { team: "ops" },
        store: false,
        service_tier: "auto",
        "response_format.json_schema.description": "A report",
      },
    });
  });

  it("keeps a late system message in place and a leading system name in extensions", () => {
    const ir = decode(
      minimal({
        messages: [
          { role: "system", name: "ops", content: "Be brief." },
          { role: "user", content: "hi" },
          { role: "developer", content: "Now switch to English." },
          { role: "assistant", content: "OK." },
        ],
      }),
    );
    assert.deepEqual(ir.system, [{ type: "text", text: "Be brief." }]);
    assert.deepEqual(ir.messages, [
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "developer", content: [{ type: "text", text: "Now switch to English." }] },
      { role: "assistant", content: [{ type: "text", text: "OK." }] },
    ]);
    assert.deepEqual(ir.extensions, { "messages[0].name": "ops" });
  });

  it("assistant history: reasoning_content, refusals, null content, empty arguments", () => {
    const ir = decode(
      minimal({
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: null, refusal: "I can't help with that." },
          { role: "user", content: "q2" },
          {
            role: "assistant",
            reasoning_content: "先想一想",
            content: [
              { type: "text", text: "A" },
              { type: "refusal", refusal: "B" },
            ],
          },
          {
            role: "assistant",
            content: "",
            tool_calls: [{ id: "c1", type: "function", function: { name: "now", arguments: "" } }],
          },
          { role: "tool", tool_call_id: "c1", content: "" },
        ],
      }),
    );
    assert.deepEqual(ir.messages.slice(1), [
      { role: "assistant", content: [{ type: "text", text: "I can't help with that." }] },
      { role: "user", content: [{ type: "text", text: "q2" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "先想一想" },
          { type: "text", text: "A" },
          { type: "text", text: "B" },
        ],
      },
      { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "now", input: {} }] },
      { role: "user", content: [{ type: "tool_result", toolUseId: "c1", content: [] }] },
    ]);
  });

  it("tool choices, stop arrays, max_tokens, reasoning none, json_object, cache_control parts", () => {
    for (const choice of ["none", "auto", "required"] as const) {
      assert.deepEqual(decode(minimal({ tool_choice: choice })).toolChoice, { type: choice });
    }
    const ir = decode(
      minimal({
        stop: ["a", "b"],
        max_tokens: 100,
        reasoning_effort: "none",
        response_format: { type: "json_object" },
        parallel_tool_calls: false,
        tools: [{ type: "function", function: { name: "ping" }, cache_control: { type: "ephemeral" } }],
        messages: [
          {
            role: "user",
            content: [{ type: "text", text: "long doc", cache_control: { type: "ephemeral", ttl: "1h" } }],
          },
        ],
      }),
    );
    assert.deepEqual(ir.stop, ["a", "b"]);
    assert.equal(ir.maxOutputTokens, 100);
    assert.deepEqual(ir.thinking, { type: "disabled" });
    const effort = (reasoning_effort: string, max?: number) =>
      decode(minimal({ reasoning_effort, ...(max ? { max_completion_tokens: max } : {}) })).thinking;
    assert.deepEqual(
      ["minimal", "low", "medium", "high", "xhigh"].map((e) => effort(e)?.budgetTokens),
      [1024, 2048, 8192, 16384, 32768],
    );
    // A limit caps the derived budget at half of it, never below Anthropic's 1024.
    assert.deepEqual(
      [effort("high", 10_000), effort("low", 100_000), effort("medium", 1500)].map((t) => t?.budgetTokens),
      [5000, 2048, 1024],
    );
    assert.deepEqual(ir.responseFormat, { type: "json_object" });
    assert.equal(ir.parallelToolCalls, false);
    assert.deepEqual(ir.tools, [
      { name: "ping", inputSchema: { type: "object", properties: {} }, cacheControl: { type: "ephemeral" } },
    ]);
    assert.deepEqual(ir.messages[0]?.content, [
      { type: "text", text: "long doc", cacheControl: { type: "ephemeral", ttl: "1h" } },
    ]);
    const bare = decode(minimal({ stream: null, temperature: null }));
    assert.deepEqual(bare, {
      model: "claude-sonnet-4-5",
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [],
      stop: [],
      stream: false,
      dialect: "openai-chat",
      extensions: {},
    });
  });

  it("keeps unknown nested fields in extensions by path", () => {
    const ir = decode(
      minimal({
        stream_options: { include_usage: true, future: 1 },
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: "https://x/y.png", future_detail: "x" }, tag: 2 },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(ir.extensions, {
      "stream_options.future": 1,
      "messages[0].content[0].tag": 2,
      "messages[0].content[0].image_url.future_detail": "x",
    });
  });
});
