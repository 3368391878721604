/**
 * The official @anthropic-ai/sdk against the Anthropic codec: the request it
 * sends decodes, the stream the encoder writes assembles into the intended
 * message, and an in-stream error surfaces as an SDK error.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { decodeMessagesRequest } from "../../src/protocols/anthropic-messages/decode.js";
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

function encodeAll(events: IrEvent[], options = {}): string {
  const encoder = new MessagesStreamEncoder(options);
  return events.map((e) => encoder.push(e)).join("") + encoder.end();
}

describe("with the official @anthropic-ai/sdk", () => {
  it("sends a request the decoder accepts and assembles the encoder's stream", async () => {
    let sent: unknown;
    const client = new Anthropic({
      apiKey: "ovt_test",
      baseURL: "http://relay.invalid",
      maxRetries: 0,
      fetch: async (_url: string | URL | Request, init?: RequestInit) => {
        sent = JSON.parse(String(init?.body));
        return new Response(encodeAll(toolTurn, { requestId: "req_sdk" }), {
          status: 200,
          headers: { "content-type": "text/event-stream", "request-id": "req_sdk" },
        });
      },
    });
    const stream = client.messages.stream({
      model: "deepseek-chat",
      max_tokens: 1024,
      system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "天气？" }],
      tools: [
        { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
      ],
    });
    const message = await stream.finalMessage();
    const ir = decodeMessagesRequest(sent);
    assert.equal(ir.stream, true);
    assert.deepEqual(ir.messages, [{ role: "user", content: [{ type: "text", text: "天气？" }] }]);
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(
      message.content.map((b) => (b.type === "tool_use" ? [b.type, b.id, b.input] : [b.type])),
      [["thinking"], ["text"], ["tool_use", "call_a", { city: "Paris" }], ["tool_use", "call_b", {}]],
    );
    assert.deepEqual(message.usage.input_tokens, 15);
    assert.deepEqual(message.usage.cache_read_input_tokens, 10);
    assert.deepEqual(message.usage.output_tokens, 12);
  });

  it("surfaces the in-stream error event as an SDK error", async () => {
    const encoder = new MessagesStreamEncoder({ requestId: "req_e" });
    const body =
      encoder.push({ type: "start", id: "x", model: "m" }) +
      encoder.push({ type: "text_delta", index: 0, choice: 0, text: "par" }) +
      encoder.error(new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: "up" }));
    const client = new Anthropic({
      apiKey: "k",
      baseURL: "http://relay.invalid",
      maxRetries: 0,
      fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    });
    const stream = client.messages.stream({
      model: "m",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    await assert.rejects(stream.finalMessage(), /closed the stream before it finished/);
  });
});
