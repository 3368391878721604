/**
 * OpenAI Chat Completions codec, non-streaming response side:
 * encodeChatCompletion folds IR events (as an Anthropic upstream produces them)
 * into the exact `chat.completion` object. Streaming: openai-codec-stream.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent, StopReason } from "../../src/ir/stream.js";
import { encodeChatCompletion } from "../../src/protocols/openai-chat/encode.js";

const usage = {
  inputTokens: 120,
  cachedInputTokens: 100,
  cacheWriteTokens: 15,
  outputTokens: 40,
  reasoningTokens: 0,
};

/** Anthropic-shaped: thinking (with signature), text, two parallel tool calls, split arguments. */
const toolTurn: IrEvent[] = [
  { type: "start", id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5-20250929" },
  { type: "thinking_delta", index: 0, choice: 0, text: "用户问两个城市，" },
  { type: "thinking_delta", index: 0, choice: 0, text: "并行查询。", signature: "EqQBCgIYAh" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "我来查一下" },
  { type: "text_delta", index: 1, choice: 0, text: "两地天气。" },
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "toolu_bj", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":' },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '"北京"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "tool_call_start", index: 3, choice: 0, id: "toolu_sh", name: "get_weather" },
  { type: "tool_call_delta", index: 3, choice: 0, argumentsJson: '{"city":"上海"}' },
  { type: "block_stop", index: 3, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
  { type: "usage", usage },
];

describe("encodeChatCompletion", () => {
  it("builds the chat.completion object (Chinese, thinking, parallel tool calls, usage)", () => {
    const labels: string[] = [];
    const body = encodeChatCompletion(toolTurn, {
      created: 1_700_000_000,
      transforms: { add: (l) => labels.push(l) },
    });
    assert.deepEqual(body, {
      id: "chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "claude-sonnet-4-5-20250929",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "我来查一下两地天气。",
            refusal: null,
            reasoning_content: "用户问两个城市，并行查询。",
            tool_calls: [
              {
                id: "toolu_bj",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"北京"}' },
              },
              {
                id: "toolu_sh",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"上海"}' },
              },
            ],
          },
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 40,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    assert.deepEqual(labels, ["dropped:thinking_signature"]);
  });

  it("serialises in OpenAI's key order", () => {
    const body = encodeChatCompletion(
      [
        { type: "start", id: "chatcmpl-abc", model: "m", created: 1 },
        { type: "text_delta", index: 0, choice: 0, text: "你好" },
        { type: "finish", choice: 0, reason: "end_turn" },
      ],
      {},
    );
    assert.equal(
      JSON.stringify(body),
      '{"id":"chatcmpl-abc","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"你好","refusal":null},"logprobs":null,"finish_reason":"stop"}]}',
    );
  });

  it("drops thinking on request and reports it", () => {
    const labels: string[] = [];
    const body = encodeChatCompletion(toolTurn, {
      thinking: "drop",
      transforms: { add: (l) => labels.push(l) },
    });
    assert.equal(body.choices[0]?.message.reasoning_content, undefined);
    assert.deepEqual(labels, ["dropped:thinking", "dropped:thinking_signature"]);
  });

  it("maps every stop reason", () => {
    const finish = (reason: StopReason, text = "partial") =>
      encodeChatCompletion([
        { type: "start", id: "msg_x", model: "m" },
        { type: "text_delta", index: 0, choice: 0, text },
        { type: "finish", choice: 0, reason },
      ]).choices[0];
    const table: [StopReason, string][] = [
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
      ["max_tokens", "length"],
      ["tool_use", "tool_calls"],
      ["content_filter", "content_filter"],
      ["refusal", "content_filter"],
      ["pause", "length"],
    ];
    for (const [reason, expected] of table) assert.equal(finish(reason)?.finish_reason, expected, reason);
    // A refusal keeps what was said as content; OpenAI's `refusal` field stays null.
    assert.deepEqual(finish("refusal", "I can't help with that.")?.message, {
      role: "assistant",
      content: "I can't help with that.",
      refusal: null,
    });
  });

  it("several choices, tool calls without text or arguments, no usage", () => {
    const body = encodeChatCompletion(
      [
        { type: "start", id: "", model: "m", created: 5 },
        { type: "text_delta", index: 0, choice: 1, text: "B" },
        { type: "tool_call_start", index: 0, choice: 0, id: "t1", name: "now" },
        { type: "finish", choice: 1, reason: "end_turn" },
        { type: "finish", choice: 0, reason: "tool_use" },
      ],
      { id: "chatcmpl-fixed" },
    );
    assert.equal(body.id, "chatcmpl-fixed");
    assert.equal(body.usage, undefined);
    assert.deepEqual(
      body.choices.map((c) => [c.index, c.message.content, c.message.tool_calls, c.finish_reason]),
      [
        [0, null, [{ id: "t1", type: "function", function: { name: "now", arguments: "{}" } }], "tool_calls"],
        [1, "B", undefined, "stop"],
      ],
    );
    assert.match(
      encodeChatCompletion([{ type: "finish", choice: 0, reason: "end_turn" }]).id,
      /^chatcmpl-[0-9a-f]{24}$/,
    );
  });

  it("refuses to pass off failures as answers", () => {
    const is = (name: string) => (err: unknown) => err instanceof OvertError && err.errorName === name;
    assert.throws(
      () => encodeChatCompletion([{ type: "finish", choice: 0, reason: "error", rawReason: "overloaded" }]),
      is("OVT_ERR_UPSTREAM_ABORTED"),
    );
    assert.throws(() => encodeChatCompletion([{ type: "start", id: "a", model: "m" }]), /no finish reason/);
    assert.throws(
      () =>
        encodeChatCompletion([
          { type: "text_delta", index: 0, choice: 1, text: "x" },
          { type: "finish", choice: 0, reason: "end_turn" },
        ]),
      /no finish reason/,
    );
    assert.throws(
      () => encodeChatCompletion([{ type: "error", code: "OVT_ERR_UPSTREAM_OVERLOADED", message: "busy" }]),
      is("OVT_ERR_UPSTREAM_STREAM_ERROR"),
    );
    assert.throws(
      () =>
        encodeChatCompletion([
          { type: "text_delta", index: 0, choice: 0, text: "x" },
          { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: "{}" },
          { type: "finish", choice: 0, reason: "end_turn" },
        ]),
      is("OVT_ERR_UPSTREAM_PROTOCOL"),
    );
  });
});
