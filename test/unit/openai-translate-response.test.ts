/**
 * OpenAI Chat Completions response → IR events → Anthropic Messages: the
 * non-streaming object and chunk-by-chunk stream decoding (split tool-call
 * arguments, parallel calls, DeepSeek reasoning). Stop-reason table and the
 * fixture transcript: openai-translate-stream.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeMessagesResponse } from "../../src/protocols/anthropic-messages/encode.js";
import {
  ChatCompletionsStreamDecoder,
  decodeChatCompletion,
} from "../../src/upstreams/openai/translate-response.js";

const chunk = (
  delta: Record<string, unknown>,
  finish: string | null = null,
  extra: Record<string, unknown> = {},
) => ({
  id: "chatcmpl-9",
  object: "chat.completion.chunk",
  created: 1767225600,
  model: "gpt-4.1",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...extra,
});

function decodeAll(chunks: unknown[]): IrEvent[] {
  const decoder = new ChatCompletionsStreamDecoder("up");
  return chunks.flatMap((c) => decoder.push(c));
}

describe("decodeChatCompletion (non-streaming)", () => {
  const deepseek = {
    id: "930c60df-bf64-41c9-a88e-3ec75f81e00e",
    object: "chat.completion",
    created: 1767225600,
    model: "deepseek-reasoner",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "查一下。",
          reasoning_content: "需要调用工具",
          tool_calls: [
            {
              id: "call_0_x",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"北京"}' },
            },
          ],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
    usage: {
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_cache_hit_tokens: 64,
      prompt_cache_miss_tokens: 36,
      completion_tokens_details: { reasoning_tokens: 12 },
    },
  };

  it("emits the exact events, blocks ordered reasoning, text, tool calls", () => {
    assert.deepEqual(decodeChatCompletion(deepseek), [
      {
        type: "start",
        id: "930c60df-bf64-41c9-a88e-3ec75f81e00e",
        model: "deepseek-reasoner",
        created: 1767225600,
      },
      { type: "thinking_delta", index: 0, choice: 0, text: "需要调用工具" },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "text_delta", index: 1, choice: 0, text: "查一下。" },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "tool_call_start", index: 2, choice: 0, id: "call_0_x", name: "get_weather" },
      { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":"北京"}' },
      { type: "block_stop", index: 2, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_calls" },
      {
        type: "usage",
        usage: {
          inputTokens: 100,
          cachedInputTokens: 64,
          cacheWriteTokens: 0,
          outputTokens: 40,
          reasoningTokens: 12,
        },
      },
    ]);
  });

  it("becomes the Anthropic message object", () => {
    assert.deepEqual(encodeMessagesResponse(decodeChatCompletion(deepseek)), {
      id: "msg_930c60df-bf64-41c9-a88e-3ec75f81e00e",
      type: "message",
      role: "assistant",
      model: "deepseek-reasoner",
      content: [
        { type: "thinking", thinking: "需要调用工具", signature: "" },
        { type: "text", text: "查一下。" },
        { type: "tool_use", id: "call_0_x", name: "get_weather", input: { city: "北京" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 36,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 64,
        output_tokens: 40,
      },
    });
  });

  it("reads OpenAI's cached_tokens, a refusal, and refuses malformed bodies", () => {
    const events = decodeChatCompletion({
      id: "c",
      model: "gpt-4.1",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, refusal: "I can't help with that." },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 8 } },
    });
    assert.deepEqual(events.slice(1), [
      { type: "text_delta", index: 0, choice: 0, text: "I can't help with that." },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "finish", choice: 0, reason: "refusal", rawReason: "stop" },
      {
        type: "usage",
        usage: {
          inputTokens: 10,
          cachedInputTokens: 8,
          cacheWriteTokens: 0,
          outputTokens: 5,
          reasoningTokens: 0,
        },
      },
    ]);
    const code = (fn: () => unknown) =>
      assert.throws(
        fn,
        (e: unknown) => e instanceof OvertError && e.errorName === "OVT_ERR_UPSTREAM_INVALID_RESPONSE",
      );
    code(() => decodeChatCompletion("<html>"));
    code(() => decodeChatCompletion({ choices: [] }));
    code(() => decodeChatCompletion({ error: { message: "bad" }, choices: [{}] }));
    const missing = decodeChatCompletion({
      id: "c",
      model: "m",
      choices: [{ index: 0, message: { content: "x" } }],
    });
    assert.deepEqual(missing.at(-1), { type: "finish", choice: 0, reason: "end_turn", rawReason: "null" });
  });
});

describe("ChatCompletionsStreamDecoder", () => {
  it("decodes split tool-call arguments and parallel calls, index by index", () => {
    const events = decodeAll([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Let me check." }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_A", type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }),
      chunk({
        tool_calls: [
          {
            index: 1,
            id: "call_B",
            type: "function",
            function: { name: "get_time", arguments: '{"tz":"CET"}' },
          },
        ],
      }),
      chunk({}, "tool_calls"),
      {
        id: "chatcmpl-9",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-4.1",
        choices: [],
        usage: { prompt_tokens: 20, completion_tokens: 9 },
      },
      "[DONE]",
    ]);
    assert.deepEqual(events, [
      { type: "start", id: "chatcmpl-9", model: "gpt-4.1", created: 1767225600 },
      { type: "text_delta", index: 0, choice: 0, text: "Let me check." },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "tool_call_start", index: 1, choice: 0, id: "call_A", name: "get_weather" },
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '{"ci' },
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: 'ty":"Paris"}' },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "tool_call_start", index: 2, choice: 0, id: "call_B", name: "get_time" },
      { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"tz":"CET"}' },
      { type: "block_stop", index: 2, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_calls" },
      {
        type: "usage",
        usage: {
          inputTokens: 20,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 9,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it("treats a new id at a reused index as a new call, and refuses interleaved fragments", () => {
    const events = decodeAll([
      chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "a", arguments: "{}" } }] }),
      chunk({ tool_calls: [{ index: 0, id: "c2", function: { name: "b", arguments: "{}" } }] }),
      chunk({}, "stop"),
    ]);
    assert.deepEqual(
      events.filter((e) => e.type === "tool_call_start" || e.type === "finish"),
      [
        { type: "tool_call_start", index: 0, choice: 0, id: "c1", name: "a" },
        { type: "tool_call_start", index: 1, choice: 0, id: "c2", name: "b" },
        { type: "finish", choice: 0, reason: "tool_use", rawReason: "stop" },
      ],
    );
    const decoder = new ChatCompletionsStreamDecoder("up");
    decoder.push(chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "a", arguments: "{" } }] }));
    decoder.push(chunk({ tool_calls: [{ index: 1, id: "c2", function: { name: "b", arguments: "{" } }] }));
    assert.throws(
      () => decoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: "}" } }] })),
      (e: unknown) => e instanceof OvertError && e.errorName === "OVT_ERR_UPSTREAM_PROTOCOL",
    );
  });

  it("turns an error chunk into an error event (scrubbed), and reads usage inside the choice", () => {
    const decoder = new ChatCompletionsStreamDecoder("moonshot");
    assert.deepEqual(decoder.push({ error: { message: "overloaded for org-abcdefgh123" } }), [
      {
        type: "error",
        code: "OVT_ERR_UPSTREAM_STREAM_ERROR",
        message: "Upstream moonshot reported an error mid-stream: overloaded for [redacted]",
      },
    ]);
    const kimi = decodeAll([
      chunk({ content: "hi" }, "stop", {}),
      {
        id: "x",
        model: "kimi",
        choices: [
          { index: 0, delta: {}, finish_reason: null, usage: { prompt_tokens: 3, completion_tokens: 1 } },
        ],
      },
    ]);
    assert.deepEqual(kimi.at(-1), {
      type: "usage",
      usage: {
        inputTokens: 3,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 1,
        reasoningTokens: 0,
      },
    });
    assert.throws(() => new ChatCompletionsStreamDecoder().push(42), /malformed stream event/);
  });
});
