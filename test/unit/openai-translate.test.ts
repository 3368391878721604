/**
 * IR → OpenAI Chat Completions request: an Anthropic (Claude Code) request
 * decoded and re-encoded for an OpenAI-dialect upstream, field by field, with
 * every lossy step named in `transformations` and every unmappable one refused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrRequest } from "../../src/ir/request.js";
import { decodeMessagesRequest } from "../../src/protocols/anthropic-messages/decode.js";
import { encodeChatCompletionsRequest } from "../../src/upstreams/openai/translate-request.js";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const schema = { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"] };

const anthropicBody = {
  model: "claude-sonnet-4-5",
  max_tokens: 8192,
  stream: true,
  system: [
    { type: "text", text: "You are Claude Code." },
    { type: "text", text: "Be concise.", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "看看这张图" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need to look.", signature: "sig" },
        { type: "text", text: "Reading." },
        { type: "tool_use", id: "call_1", name: "Read", input: { file_path: "a.md" } },
        { type: "tool_use", id: "call_2", name: "Read", input: { file_path: "b.md" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "call_1", content: "A" },
        {
          type: "tool_result",
          tool_use_id: "call_2",
          content: [
            { type: "text", text: "B1" },
            { type: "text", text: "B2" },
          ],
          is_error: true,
        },
        { type: "text", text: "继续", cache_control: { type: "ephemeral" } },
      ],
    },
  ],
  tools: [{ name: "Read", description: "Reads a file", input_schema: schema }],
  tool_choice: { type: "any", disable_parallel_tool_use: true },
  thinking: { type: "enabled", budget_tokens: 2048 },
  temperature: 0.5,
  top_p: 0.9,
  top_k: 5,
  stop_sequences: ["\n\nHuman:"],
  metadata: { user_id: "u1" },
  service_tier: "auto",
};

const expectedMessages = (reasoning?: string) => [
  { role: "system", content: "You are Claude Code.\n\nBe concise." },
  {
    role: "user",
    content: [
      { type: "text", text: "看看这张图" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
    ],
  },
  {
    role: "assistant",
    content: "Reading.",
    ...(reasoning ? { reasoning_content: reasoning } : {}),
    tool_calls: [
      { id: "call_1", type: "function", function: { name: "Read", arguments: '{"file_path":"a.md"}' } },
      { id: "call_2", type: "function", function: { name: "Read", arguments: '{"file_path":"b.md"}' } },
    ],
  },
  { role: "tool", tool_call_id: "call_1", content: "A" },
  { role: "tool", tool_call_id: "call_2", content: "B1\n\nB2" },
  { role: "user", content: "继续" },
];

const ir = (over: Record<string, unknown> = {}): IrRequest =>
  decodeMessagesRequest({
    model: "m",
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
    ...over,
  });

describe("encodeChatCompletionsRequest", () => {
  it("translates a Claude Code request for a generic OpenAI-dialect upstream", () => {
    const { body, transformations } = encodeChatCompletionsRequest(
      decodeMessagesRequest(anthropicBody),
      "deepseek-chat",
    );
    assert.deepEqual(body, {
      model: "deepseek-chat",
      messages: expectedMessages(),
      max_tokens: 8192,
      temperature: 0.5,
      top_p: 0.9,
      stop: ["\n\nHuman:"],
      tools: [
        { type: "function", function: { name: "Read", description: "Reads a file", parameters: schema } },
      ],
      tool_choice: "required",
      parallel_tool_calls: false,
      user: "u1",
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.deepEqual(transformations, [
      "dropped:cache_control",
      "joined:system_blocks",
      "dropped:thinking_history",
      "dropped:tool_result.is_error",
      "joined:tool_result_blocks",
      "dropped:top_k",
      "dropped:thinking_config",
      "dropped:service_tier",
    ]);
  });

  it("with DeepSeek's thinking options: reasoning_content history and the thinking switch", () => {
    const { body, transformations } = encodeChatCompletionsRequest(
      decodeMessagesRequest(anthropicBody),
      "deepseek-v4-pro",
      {
        reasoningHistory: "reasoning_content",
        thinkingParam: "thinking_object",
        maxTokensField: "max_completion_tokens",
        streamUsage: "always",
      },
    );
    assert.deepEqual(body.messages, expectedMessages("Need to look."));
    assert.deepEqual(body.thinking, { type: "enabled" });
    assert.equal(body.max_completion_tokens, 8192);
    assert.equal(body.max_tokens, undefined);
    assert.equal(body.stream, true);
    assert.equal(body.stream_options, undefined);
    assert.ok(transformations.includes("dropped:thinking_signature"));
    assert.ok(transformations.includes("dropped:thinking.budget_tokens"));
    assert.ok(!transformations.includes("dropped:thinking_history"));
    assert.ok(!transformations.includes("dropped:thinking_config"));
  });

  it("maps tool_choice and parallel tool use", () => {
    const tools = [{ name: "Read", input_schema: schema }];
    const choice = (tool_choice: unknown) =>
      encodeChatCompletionsRequest(ir({ tools, tool_choice }), "up").body;
    assert.equal(choice({ type: "auto" }).tool_choice, "auto");
    assert.equal(choice({ type: "none" }).tool_choice, "none");
    assert.equal(choice({ type: "any" }).tool_choice, "required");
    assert.deepEqual(choice({ type: "tool", name: "Read" }).tool_choice, {
      type: "function",
      function: { name: "Read" },
    });
    assert.equal(choice({ type: "auto", disable_parallel_tool_use: true }).parallel_tool_calls, false);
    assert.equal(choice({ type: "auto" }).parallel_tool_calls, undefined);
    const bare = encodeChatCompletionsRequest(ir({ tool_choice: { type: "auto" } }), "up");
    assert.equal(bare.body.tool_choice, undefined);
    assert.deepEqual(bare.transformations, ["dropped:tool_choice"]);
  });

  it("moves tool-result images into a user message and keeps tool results first", () => {
    const { body, transformations } = encodeChatCompletionsRequest(
      ir({
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Shot", input: {} }] },
          {
            role: "user",
            content: [
              { type: "text", text: "here" },
              {
                type: "tool_result",
                tool_use_id: "t1",
                content: [
                  { type: "text", text: "screenshot" },
                  { type: "image", source: { type: "url", url: "https://example.com/s.png" } },
                ],
              },
            ],
          },
        ],
      }),
      "up",
    );
    assert.deepEqual(body.messages, [
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t1", type: "function", function: { name: "Shot", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t1", content: "screenshot" },
      {
        role: "user",
        content: [
          { type: "text", text: "here" },
          { type: "image_url", image_url: { url: "https://example.com/s.png" } },
        ],
      },
    ]);
    assert.deepEqual(transformations, [
      "moved:user_content_after_tool_results",
      "moved:tool_result_images_to_user_message",
    ]);
  });

  it("converts text documents, records prefill and redacted thinking, omits stream fields when not streaming", () => {
    const { body, transformations } = encodeChatCompletionsRequest(
      ir({
        messages: [
          {
            role: "user",
            content: [{ type: "document", source: { type: "text", data: "doc body" }, title: "Spec" }],
          },
          {
            role: "assistant",
            content: [
              { type: "redacted_thinking", data: "xx" },
              { type: "text", text: "The answer is" },
            ],
          },
        ],
      }),
      "up",
    );
    assert.deepEqual(body, {
      model: "up",
      messages: [
        { role: "user", content: "Spec\n\ndoc body" },
        { role: "assistant", content: "The answer is" },
      ],
      max_tokens: 100,
    });
    assert.deepEqual(transformations, [
      "converted:document_to_text",
      "dropped:redacted_thinking",
      "dropped:assistant_prefill",
    ]);
    assert.deepEqual(
      encodeChatCompletionsRequest(ir({ messages: [{ role: "user", content: [] }] }), "up").body.messages,
      [{ role: "user", content: "" }],
    );
  });
});
