/**
 * Anthropic SSE events → IR events, event by event: split tool input, thinking
 * and signature deltas, cumulative cache usage, error events and grammar
 * violations. The fixture transcript: anthropic-translate-stream.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { MessagesStreamDecoder } from "../../src/upstreams/anthropic/translate-response.js";

const message = (over: Record<string, unknown> = {}) => ({
  id: "msg_01XFDUDYJgAACzvnptvVoYEL",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content: [{ type: "text", text: "Hi" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 2 },
  ...over,
});

/** Feeds `[event name, data]` pairs to one decoder. */
function decodeAll(events: [string, unknown][], decoder = new MessagesStreamDecoder("anthropic")): IrEvent[] {
  return events.flatMap(([name, data]) => decoder.push(name, data));
}
const start = (
  usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 },
): [string, unknown] => [
  "message_start",
  { type: "message_start", message: { ...message({ content: [], stop_reason: null, usage }) } },
];
const blockStart = (index: number, content_block: unknown): [string, unknown] => [
  "content_block_start",
  { type: "content_block_start", index, content_block },
];
const delta = (index: number, d: unknown): [string, unknown] => [
  "content_block_delta",
  { type: "content_block_delta", index, delta: d },
];
const blockStop = (index: number): [string, unknown] => [
  "content_block_stop",
  { type: "content_block_stop", index },
];
const messageDelta = (
  stop_reason: string | null,
  usage: unknown,
  stop_sequence: string | null = null,
): [string, unknown] => [
  "message_delta",
  { type: "message_delta", delta: { stop_reason, stop_sequence }, usage },
];

describe("MessagesStreamDecoder", () => {
  it("passes split input_json_delta fragments through verbatim, skipping empty ones", () => {
    const decoder = new MessagesStreamDecoder("anthropic");
    const events = decodeAll(
      [
        start(),
        ["ping", { type: "ping" }],
        blockStart(0, { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }),
        delta(0, { type: "input_json_delta", partial_json: "" }),
        delta(0, { type: "input_json_delta", partial_json: '{"loc' }),
        delta(0, { type: "input_json_delta", partial_json: 'ation": "Par' }),
        delta(0, { type: "input_json_delta", partial_json: 'is"}' }),
        blockStop(0),
        messageDelta("tool_use", { output_tokens: 30 }),
        ["message_stop", { type: "message_stop" }],
      ],
      decoder,
    );
    assert.deepEqual(events.slice(1), [
      { type: "tool_call_start", index: 0, choice: 0, id: "toolu_1", name: "get_weather" },
      { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: '{"loc' },
      { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: 'ation": "Par' },
      { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: 'is"}' },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
      {
        type: "usage",
        usage: {
          inputTokens: 10,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 30,
          reasoningTokens: 0,
        },
      },
    ]);
    assert.equal(decoder.finished, true);
    assert.deepEqual(decoder.push("content_block_start", { type: "content_block_start", index: 5 }), []);
  });

  it("turns thinking and signature deltas into thinking_delta events; skips redacted thinking without a gap", () => {
    const events = decodeAll([
      start(),
      blockStart(0, { type: "redacted_thinking", data: "EmwKAhgBEgy3va3p" }),
      blockStop(0),
      blockStart(1, { type: "thinking", thinking: "", signature: "" }),
      delta(1, { type: "thinking_delta", thinking: "Let me think" }),
      delta(1, { type: "thinking_delta", thinking: " about it." }),
      delta(1, {
        type: "signature_delta",
        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      }),
      blockStop(1),
      blockStart(2, { type: "text", text: "" }),
      delta(2, { type: "text_delta", text: "Done." }),
      delta(2, { type: "citations_delta", citation: {} }),
      blockStop(2),
      messageDelta("stop_sequence", { output_tokens: 50 }, "###"),
    ]);
    assert.deepEqual(events.slice(1, -1), [
      { type: "thinking_delta", index: 0, choice: 0, text: "Let me think" },
      { type: "thinking_delta", index: 0, choice: 0, text: " about it." },
      {
        type: "thinking_delta",
        index: 0,
        choice: 0,
        text: "",
        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "text_delta", index: 1, choice: 0, text: "Done." },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "finish", choice: 0, reason: "stop_sequence", rawReason: "stop_sequence", stopSequence: "###" },
    ]);
  });

  it("folds cumulative usage: message_start input and cache counts, message_delta totals, nulls keep values", () => {
    const events = decodeAll([
      start({
        input_tokens: 25,
        cache_creation_input_tokens: 1500,
        cache_read_input_tokens: 8000,
        output_tokens: 1,
      }),
      blockStart(0, { type: "text", text: "" }),
      delta(0, { type: "text_delta", text: "Hello" }),
      blockStop(0),
      messageDelta("end_turn", {
        input_tokens: null,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        output_tokens: 15,
        output_tokens_details: { thinking_tokens: 4 },
      }),
      messageDelta(null, { input_tokens: 26, output_tokens: 16 }),
    ]);
    assert.deepEqual(
      events.filter((e) => e.type === "usage" || e.type === "finish"),
      [
        { type: "finish", choice: 0, reason: "end_turn", rawReason: "end_turn" },
        {
          type: "usage",
          usage: {
            inputTokens: 9525,
            cachedInputTokens: 8000,
            cacheWriteTokens: 1500,
            outputTokens: 15,
            reasoningTokens: 4,
          },
        },
        {
          type: "usage",
          usage: {
            inputTokens: 9526,
            cachedInputTokens: 8000,
            cacheWriteTokens: 1500,
            outputTokens: 16,
            reasoningTokens: 4,
          },
        },
      ],
    );
  });

  it("gives a tool block without JSON fragments its start input, or {}", () => {
    const events = decodeAll([
      start(),
      blockStart(0, { type: "tool_use", id: "t1", name: "f", input: { a: 1 } }),
      blockStop(0),
      blockStart(1, { type: "tool_use", id: "t2", name: "g", input: {} }),
      delta(1, { type: "input_json_delta", partial_json: "" }),
      blockStop(1),
    ]);
    assert.deepEqual(
      events.filter((e) => e.type === "tool_call_delta"),
      [
        { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: '{"a":1}' },
        { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: "{}" },
      ],
    );
  });

  it("turns an error event into one scrubbed IR error event and stops", () => {
    const decoder = new MessagesStreamDecoder("anthropic");
    const events = decodeAll(
      [
        start(),
        blockStart(0, { type: "text", text: "" }),
        delta(0, { type: "text_delta", text: "Hel" }),
        [
          "error",
          {
            type: "error",
            error: {
              type: "overloaded_error",
              message: "Overloaded for org-8f2Kq0Zx91 see https://status.anthropic.com",
            },
          },
        ],
        delta(0, { type: "text_delta", text: "lo" }),
      ],
      decoder,
    );
    assert.deepEqual(events.slice(1), [
      { type: "text_delta", index: 0, choice: 0, text: "Hel" },
      {
        type: "error",
        code: "OVT_ERR_UPSTREAM_STREAM_ERROR",
        message:
          "Upstream anthropic reported an error mid-stream: overloaded_error: Overloaded for [redacted] see [redacted]",
      },
    ]);
    assert.equal(decoder.finished, false);
    assert.deepEqual(new MessagesStreamDecoder("anthropic").push("error", "<html>502</html>"), [
      {
        type: "error",
        code: "OVT_ERR_UPSTREAM_STREAM_ERROR",
        message: "Upstream anthropic reported an error mid-stream: error event",
      },
    ]);
  });

  it("refuses events out of grammar and content with no IR form", () => {
    const fails = (events: [string, unknown][], name: string) =>
      assert.throws(
        () => decodeAll(events),
        (err: unknown) => err instanceof OvertError && err.errorName === name,
      );
    fails([blockStart(0, { type: "text", text: "" })], "OVT_ERR_UPSTREAM_PROTOCOL");
    fails([start(), delta(0, { type: "text_delta", text: "x" })], "OVT_ERR_UPSTREAM_PROTOCOL");
    fails(
      [
        start(),
        blockStart(0, { type: "text", text: "" }),
        delta(0, { type: "input_json_delta", partial_json: "{" }),
      ],
      "OVT_ERR_UPSTREAM_PROTOCOL",
    );
    fails(
      [
        start(),
        blockStart(0, { type: "text", text: "" }),
        blockStop(0),
        delta(0, { type: "text_delta", text: "x" }),
      ],
      "OVT_ERR_UPSTREAM_PROTOCOL",
    );
    fails([start(), start()], "OVT_ERR_UPSTREAM_PROTOCOL");
    fails([start(), ["content_block_delta", "not json"]], "OVT_ERR_UPSTREAM_PROTOCOL");
    fails(
      [start(), blockStart(0, { type: "server_tool_use", id: "s", name: "web_search", input: {} })],
      "OVT_ERR_UPSTREAM_INVALID_RESPONSE",
    );
    fails(
      [start(), blockStart(0, { type: "text", text: "" }), delta(0, { type: "brand_new_delta" })],
      "OVT_ERR_UPSTREAM_INVALID_RESPONSE",
    );
    assert.deepEqual(decodeAll([start(), ["some_future_event", { type: "some_future_event" }]]).length, 1);
  });
});
