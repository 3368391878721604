/**
 * OpenAI Chat Completions codec, streaming: ChatCompletionsStreamEncoder writes
 * the exact `data:` transcript OpenAI does (full strings compared). The official
 * SDK's view of the same output: openai-codec-sdk.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import {
  ChatCompletionsStreamEncoder,
  type ChatStreamOptions,
} from "../../src/protocols/openai-chat/stream.js";

const usage = {
  inputTokens: 120,
  cachedInputTokens: 100,
  cacheWriteTokens: 15,
  outputTokens: 40,
  reasoningTokens: 0,
};

const toolTurn: IrEvent[] = [
  { type: "start", id: "msg_01XF", model: "claude-sonnet-4-5" },
  { type: "thinking_delta", index: 0, choice: 0, text: "并行查询。" },
  { type: "thinking_delta", index: 0, choice: 0, text: "", signature: "EqQBCgIYAh" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "查一下。" },
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

function encodeAll(events: IrEvent[], options: ChatStreamOptions): string {
  const encoder = new ChatCompletionsStreamEncoder(options);
  return events.map((e) => encoder.push(e)).join("") + encoder.end();
}

const HEAD =
  '{"id":"chatcmpl-msg_01XF","object":"chat.completion.chunk","created":1700000000,"model":"claude-sonnet-4-5"';

describe("ChatCompletionsStreamEncoder", () => {
  it("writes a text answer as OpenAI's exact chunk sequence (Chinese intact)", () => {
    const out = encodeAll(
      [
        { type: "start", id: "msg_01XF", model: "claude-sonnet-4-5" },
        { type: "text_delta", index: 0, choice: 0, text: "" },
        { type: "text_delta", index: 0, choice: 0, text: "你好，" },
        { type: "text_delta", index: 0, choice: 0, text: "世界" },
        { type: "block_stop", index: 0, choice: 0 },
        { type: "finish", choice: 0, reason: "end_turn", rawReason: "end_turn" },
        { type: "usage", usage },
      ],
      { includeUsage: false, created: 1_700_000_000 },
    );
    assert.equal(
      out,
      `data: ${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: ${HEAD},"choices":[{"index":0,"delta":{"content":"你好，"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: ${HEAD},"choices":[{"index":0,"delta":{"content":"世界"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: ${HEAD},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n` +
        "data: [DONE]\n\n",
    );
  });

  it("streams thinking, text and parallel tool calls with usage: null until the usage chunk", () => {
    const labels: string[] = [];
    const out = encodeAll(toolTurn, {
      includeUsage: true,
      created: 1_700_000_000,
      transforms: { add: (l) => labels.push(l) },
    });
    const line = (delta: string, finish = "null") =>
      `data: ${HEAD},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}],"usage":null}\n\n`;
    assert.equal(
      out,
      line('{"role":"assistant","content":"","refusal":null}') +
        line('{"reasoning_content":"并行查询。"}') +
        line('{"content":"查一下。"}') +
        line(
          '{"tool_calls":[{"index":0,"id":"toolu_bj","type":"function","function":{"name":"get_weather","arguments":""}}]}',
        ) +
        line('{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]}') +
        line('{"tool_calls":[{"index":0,"function":{"arguments":"\\"北京\\"}"}}]}') +
        line(
          '{"tool_calls":[{"index":1,"id":"toolu_sh","type":"function","function":{"name":"get_weather","arguments":""}}]}',
        ) +
        line('{"tool_calls":[{"index":1,"function":{"arguments":"{\\"city\\":\\"上海\\"}"}}]}') +
        line("{}", '"tool_calls"') +
        `data: ${HEAD},"choices":[],"usage":{"prompt_tokens":120,"completion_tokens":40,"total_tokens":160,"prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":0}}}\n\n` +
        "data: [DONE]\n\n",
    );
    assert.deepEqual(labels, ["dropped:thinking_signature"]);
  });

  it("drops thinking when asked, and reports it", () => {
    const labels: string[] = [];
    const out = encodeAll(toolTurn, {
      includeUsage: false,
      thinking: "drop",
      transforms: { add: (l) => labels.push(l) },
    });
    assert.ok(!out.includes("reasoning_content"));
    assert.ok(!out.includes("并行查询"));
    assert.deepEqual(labels, ["dropped:thinking", "dropped:thinking_signature"]);
  });

  it("numbers tool calls per choice and opens each choice with its role chunk", () => {
    const encoder = new ChatCompletionsStreamEncoder({ includeUsage: false, id: "chatcmpl-n", created: 9 });
    const events: IrEvent[] = [
      { type: "start", id: "x", model: "m" },
      { type: "tool_call_start", index: 0, choice: 1, id: "b0", name: "f" },
      { type: "tool_call_start", index: 5, choice: 0, id: "a0", name: "f" },
      { type: "finish", choice: 0, reason: "tool_use" },
    ];
    const out = events.map((e) => encoder.push(e)).join("");
    const c = (index: number, delta: string, finish = "null") =>
      `data: {"id":"chatcmpl-n","object":"chat.completion.chunk","created":9,"model":"m","choices":[{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
    const call = (id: string) =>
      `{"tool_calls":[{"index":0,"id":"${id}","type":"function","function":{"name":"f","arguments":""}}]}`;
    assert.equal(
      out,
      c(0, '{"role":"assistant","content":"","refusal":null}') +
        c(1, '{"role":"assistant","content":"","refusal":null}') +
        c(1, call("b0")) +
        c(0, call("a0")) +
        c(0, "{}", '"tool_calls"'),
    );
    assert.equal(encoder.finished, false, "choice 1 has not finished");
    assert.equal(encoder.end(), "");
    assert.equal(encoder.push({ type: "finish", choice: 1, reason: "tool_use" }), c(1, "{}", '"tool_calls"'));
    assert.equal(encoder.finished, true);
    assert.equal(encoder.end(), "data: [DONE]\n\n");
    assert.equal(encoder.done, true);
    assert.equal(encoder.push({ type: "text_delta", index: 0, choice: 0, text: "late" }), "");
  });

  it("never writes [DONE] for a stream that did not finish", () => {
    const cut = new ChatCompletionsStreamEncoder({ includeUsage: true, provider: "anthropic" });
    cut.push({ type: "start", id: "msg_1", model: "m" });
    cut.push({ type: "text_delta", index: 0, choice: 0, text: "par" });
    assert.equal(cut.finished, false);
    assert.equal(cut.end(), "");
    const failure = cut.failure;
    assert.ok(failure instanceof OvertError);
    assert.equal(failure.errorName, "OVT_ERR_UPSTREAM_DISCONNECTED");
    assert.equal(
      cut.error(failure),
      'data: {"error":{"message":"Upstream anthropic closed the stream before it finished.","type":"server_error","param":null,"code":"upstream_disconnected"}}\n\n',
    );
    assert.equal(cut.done, true);
    assert.equal(cut.end(), "");
    assert.equal(cut.failure, undefined);

    const aborted = new ChatCompletionsStreamEncoder({ includeUsage: false, provider: "anthropic" });
    aborted.push({ type: "start", id: "msg_2", model: "m" });
    assert.equal(
      aborted.push({ type: "finish", choice: 0, reason: "error", rawReason: "overloaded_error" }),
      "",
    );
    assert.equal(aborted.finished, false);
    assert.equal(aborted.end(), "");
    assert.equal(aborted.failure?.errorName, "OVT_ERR_UPSTREAM_ABORTED");
    assert.match(aborted.failure?.message ?? "", /stopped generating: overloaded_error/);
  });

  it("turns an IR error event into OpenAI's in-stream error object", () => {
    const encoder = new ChatCompletionsStreamEncoder({ includeUsage: false });
    encoder.push({ type: "start", id: "msg_3", model: "m" });
    const out = encoder.push({
      type: "error",
      code: "OVT_ERR_UPSTREAM_STREAM_ERROR",
      message: "Upstream anthropic reported an error mid-stream: Overloaded",
    });
    assert.equal(
      out,
      'data: {"error":{"message":"Upstream anthropic reported an error mid-stream: Overloaded","type":"server_error","param":null,"code":"upstream_stream_error"}}\n\n',
    );
    assert.equal(encoder.done, true);
    assert.equal(encoder.finished, false);
    assert.equal(encoder.end(), "");
  });

  it("starts the stream itself if the upstream's start never came, and refuses impossible sequences", () => {
    const encoder = new ChatCompletionsStreamEncoder({ includeUsage: false, id: "chatcmpl-z", created: 1 });
    assert.equal(
      encoder.push({ type: "text_delta", index: 0, choice: 0, text: "a" }),
      'data: {"id":"chatcmpl-z","object":"chat.completion.chunk","created":1,"model":"","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n' +
        'data: {"id":"chatcmpl-z","object":"chat.completion.chunk","created":1,"model":"","choices":[{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":null}]}\n\n',
    );
    const protocol = (err: unknown) =>
      err instanceof OvertError && err.errorName === "OVT_ERR_UPSTREAM_PROTOCOL";
    assert.throws(
      () => encoder.push({ type: "tool_call_delta", index: 0, choice: 0, argumentsJson: "{}" }),
      protocol,
    );
    assert.throws(
      () => encoder.push({ type: "tool_call_delta", index: 7, choice: 0, argumentsJson: "{}" }),
      protocol,
    );
    encoder.push({ type: "finish", choice: 0, reason: "end_turn" });
    assert.throws(() => encoder.push({ type: "text_delta", index: 0, choice: 0, text: "after" }), protocol);
  });
});
