/**
 * Anthropic Messages codec, response side: the non-streaming `message` object
 * and the exact SSE transcript (full strings compared). The official SDK's view
 * of the same output: anthropic-codec-sdk.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeMessagesResponse } from "../../src/protocols/anthropic-messages/encode.js";
import { MessagesStreamEncoder } from "../../src/protocols/anthropic-messages/stream.js";

const usage = {
  inputTokens: 30,
  cachedInputTokens: 10,
  cacheWriteTokens: 5,
  outputTokens: 12,
  reasoningTokens: 4,
};

/** Thinking, text, then two parallel tool calls with split argument fragments. */
const toolTurn: IrEvent[] = [
  { type: "start", id: "chatcmpl-7Qx", model: "deepseek-chat" },
  { type: "thinking_delta", index: 0, choice: 0, text: "想一想" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "Checking " },
  { type: "text_delta", index: 1, choice: 0, text: "both." },
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "call_a", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":' },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '"Paris"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "tool_call_start", index: 3, choice: 0, id: "call_b", name: "get_time" },
  { type: "block_stop", index: 3, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_calls" },
  { type: "usage", usage },
];

const line = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function encodeAll(events: IrEvent[], options = {}): string {
  const encoder = new MessagesStreamEncoder(options);
  return events.map((e) => encoder.push(e)).join("") + encoder.end();
}

describe("encodeMessagesResponse (non-streaming)", () => {
  it("builds the message object", () => {
    assert.deepEqual(encodeMessagesResponse(toolTurn), {
      id: "msg_chatcmpl-7Qx",
      type: "message",
      role: "assistant",
      model: "deepseek-chat",
      content: [
        { type: "thinking", thinking: "想一想", signature: "" },
        { type: "text", text: "Checking both." },
        { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: "call_b", name: "get_time", input: {} },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 15,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 10,
        output_tokens: 12,
      },
    });
  });

  it("maps stop reasons and refuses what it cannot express", () => {
    const finish = (reason: Extract<IrEvent, { type: "finish" }>["reason"], extra = {}) =>
      encodeMessagesResponse([
        { type: "start", id: "msg_x", model: "m" },
        { type: "finish", choice: 0, reason, ...extra },
      ]);
    assert.equal(finish("content_filter").stop_reason, "refusal");
    assert.equal(finish("pause").stop_reason, "pause_turn");
    assert.deepEqual(
      [finish("stop_sequence", { stopSequence: "END" }).stop_sequence, finish("stop_sequence").id],
      ["END", "msg_x"],
    );
    assert.throws(
      () => finish("error", { rawReason: "insufficient_system_resource" }),
      /stopped generating: insufficient_system_resource/,
    );
    assert.throws(() => encodeMessagesResponse([{ type: "start", id: "a", model: "m" }]), /no finish reason/);
    assert.throws(
      () =>
        encodeMessagesResponse([
          { type: "tool_call_start", index: 0, choice: 0, id: "call_z", name: "f" },
          { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: '{"a":' },
          { type: "finish", choice: 0, reason: "tool_use" },
        ]),
      (err: unknown) => err instanceof OvertError && err.errorName === "OVT_ERR_TRANSLATE_TOOL_ARGUMENTS",
    );
  });
});

describe("MessagesStreamEncoder", () => {
  it("writes text as the exact Anthropic event sequence (Chinese intact)", () => {
    const out = encodeAll(
      [
        { type: "start", id: "chatcmpl-1", model: "deepseek-chat" },
        { type: "text_delta", index: 0, choice: 0, text: "" },
        { type: "text_delta", index: 0, choice: 0, text: "你好，" },
        { type: "text_delta", index: 0, choice: 0, text: "世界" },
        { type: "finish", choice: 0, reason: "end_turn", rawReason: "stop" },
        { type: "usage", usage: { ...usage, cachedInputTokens: 0, cacheWriteTokens: 0 } },
      ],
      { inputTokens: 28 },
    );
    assert.equal(
      out,
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"deepseek-chat","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":28,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"你好，"}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"世界"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":30,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":12}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it("interleaves thinking, text and parallel tool calls as separate blocks", () => {
    const expected = [
      line("message_start", {
        type: "message_start",
        message: {
          id: "msg_fixed",
          type: "message",
          role: "assistant",
          model: "deepseek-chat",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 0,
          },
        },
      }),
      line("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
      line("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "thinking_delta", thinking: "想一想" },
      }),
      line("content_block_stop", { type: "content_block_stop", index: 0 }),
      line("content_block_start", {
        type: "content_block_start",
        index: 1,
        content_block: { type: "text", text: "" },
      }),
      line("content_block_delta", {
        type: "content_block_delta",
        index: 1,
        delta: { type: "text_delta", text: "Checking " },
      }),
      line("content_block_delta", {
        type: "content_block_delta",
        index: 1,
        delta: { type: "text_delta", text: "both." },
      }),
      line("content_block_stop", { type: "content_block_stop", index: 1 }),
      line("content_block_start", {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "call_a", name: "get_weather", input: {} },
      }),
      line("content_block_delta", {
        type: "content_block_delta",
        index: 2,
        delta: { type: "input_json_delta", partial_json: '{"city":' },
      }),
      line("content_block_delta", {
        type: "content_block_delta",
        index: 2,
        delta: { type: "input_json_delta", partial_json: '"Paris"}' },
      }),
      line("content_block_stop", { type: "content_block_stop", index: 2 }),
      line("content_block_start", {
        type: "content_block_start",
        index: 3,
        content_block: { type: "tool_use", id: "call_b", name: "get_time", input: {} },
      }),
      line("content_block_stop", { type: "content_block_stop", index: 3 }),
      line("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: {
          input_tokens: 15,
          cache_creation_input_tokens: 5,
          cache_read_input_tokens: 10,
          output_tokens: 12,
        },
      }),
      line("message_stop", { type: "message_stop" }),
    ].join("");
    assert.equal(encodeAll(toolTurn, { messageId: "msg_fixed" }), expected);
  });

  it("closes an open block itself when the next one starts, and emits signatures", () => {
    const out = encodeAll([
      { type: "start", id: "x", model: "m" },
      { type: "thinking_delta", index: 0, choice: 0, text: "a" },
      { type: "thinking_delta", index: 0, choice: 0, text: "", signature: "sig1" },
      { type: "text_delta", index: 1, choice: 0, text: "b" },
      { type: "finish", choice: 0, reason: "max_tokens" },
    ]);
    const events = [...out.matchAll(/^data: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]!) as Record<string, unknown>,
    );
    assert.deepEqual(
      events.map((e) => [e.type, (e.delta as { type?: string } | undefined)?.type ?? e.index ?? null]),
      [
        ["message_start", null],
        ["content_block_start", 0],
        ["content_block_delta", "thinking_delta"],
        ["content_block_delta", "signature_delta"],
        ["content_block_stop", 0],
        ["content_block_start", 1],
        ["content_block_delta", "text_delta"],
        ["content_block_stop", 1],
        ["message_delta", null],
        ["message_stop", null],
      ],
    );
    assert.match(out, /"usage":\{"output_tokens":0\}/);
  });

  it("ends a failed stream with one error event and nothing after it", () => {
    const encoder = new MessagesStreamEncoder({ requestId: "req_9", provider: "deepseek" });
    let out = encoder.push({ type: "start", id: "x", model: "m" });
    out += encoder.push({ type: "text_delta", index: 0, choice: 0, text: "partial" });
    out += encoder.end();
    assert.ok(
      out.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Upstream deepseek closed the stream before it finished."},"request_id":"req_9"}\n\n',
      ),
    );
    assert.ok(!out.includes("message_stop"));
    assert.equal(
      encoder.push({ type: "finish", choice: 0, reason: "end_turn" }) + encoder.end() + encoder.ping(),
      "",
    );

    const aborted = encodeAll([
      { type: "start", id: "x", model: "m" },
      { type: "finish", choice: 0, reason: "error", rawReason: "insufficient_system_resource" },
    ]);
    assert.match(aborted, /event: error\ndata: .*stopped generating: insufficient_system_resource/);
    assert.ok(!aborted.includes("message_delta"));

    const midStream = new MessagesStreamEncoder();
    midStream.push({ type: "start", id: "x", model: "m" });
    assert.match(
      midStream.push({ type: "error", code: "OVT_ERR_UPSTREAM_RATE_LIMITED", message: "slow down" }),
      /"error":\{"type":"rate_limit_error","message":"slow down"\}/,
    );
    assert.equal(
      new MessagesStreamEncoder().error(new OvertError("OVT_ERR_STORAGE_BUSY")).split("\n")[0],
      "event: error",
    );
  });

  it("refuses deltas the grammar cannot express", () => {
    const encoder = new MessagesStreamEncoder();
    encoder.push({ type: "start", id: "x", model: "m" });
    encoder.push({ type: "tool_call_start", index: 0, choice: 0, id: "a", name: "f" });
    encoder.push({ type: "text_delta", index: 1, choice: 0, text: "later" });
    assert.throws(
      () => encoder.push({ type: "tool_call_delta", index: 0, choice: 0, argumentsJson: "{}" }),
      /malformed stream event/,
    );
  });
});
