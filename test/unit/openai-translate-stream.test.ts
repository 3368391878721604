/**
 * OpenAI → IR → Anthropic, end to end: the stop-reason table, and a fixture
 * DeepSeek stream transcript translated to the exact Anthropic SSE transcript,
 * which the official SDK assembles into the intended message.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeMessagesResponse } from "../../src/protocols/anthropic-messages/encode.js";
import { MessagesStreamEncoder } from "../../src/protocols/anthropic-messages/stream.js";
import { SseDecoder } from "../../src/transport/sse-reader.js";
import { ChatCompletionsStreamDecoder } from "../../src/upstreams/openai/translate-response.js";

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

describe("stop reasons, OpenAI → IR → Anthropic", () => {
  const table: [finish: string, withToolCall: boolean, ir: string, anthropic: string | "error"][] = [
    ["stop", false, "end_turn", "end_turn"],
    ["stop", true, "tool_use", "tool_use"],
    ["length", false, "max_tokens", "max_tokens"],
    ["tool_calls", true, "tool_use", "tool_use"],
    ["function_call", true, "tool_use", "tool_use"],
    ["content_filter", false, "content_filter", "refusal"],
    ["insufficient_system_resource", false, "error", "error"],
    ["some_new_reason", false, "end_turn", "end_turn"],
  ];
  for (const [finish, withTool, irReason, anthropic] of table) {
    it(`${finish}${withTool ? " (after a tool call)" : ""} → ${irReason} → ${anthropic}`, () => {
      const delta = withTool
        ? { tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }
        : { content: "x" };
      const events = decodeAll([chunk(delta), chunk({}, finish)]);
      assert.deepEqual(events.at(-1), { type: "finish", choice: 0, reason: irReason, rawReason: finish });
      const encoder = new MessagesStreamEncoder();
      const sse = events.map((e) => encoder.push(e)).join("") + encoder.end();
      if (anthropic === "error") {
        assert.match(sse, /event: error\n/);
        assert.throws(() => encodeMessagesResponse(events), /stopped generating/);
      } else {
        assert.match(sse, new RegExp(`"stop_reason":"${anthropic}"`));
        assert.equal(encodeMessagesResponse(events).stop_reason, anthropic);
      }
    });
  }
});

/** Strips the provenance note (leading `:` comment lines and the blank line after them). */
function withoutProvenance(text: string): string {
  return text.replace(/^(?::[^\n]*\n)+\n/, "");
}

describe("fixture: DeepSeek stream transcript → Anthropic SSE transcript", () => {
  it("translates byte for byte", () => {
    const transcript = readFileSync("test/fixtures/openai/deepseek-reasoning-tools.sse");
    const expected = withoutProvenance(
      readFileSync("test/fixtures/anthropic/deepseek-reasoning-tools.expected.sse", "utf8"),
    );
    const sse = new SseDecoder();
    const decoder = new ChatCompletionsStreamDecoder("deepseek");
    const encoder = new MessagesStreamEncoder({ requestId: "req_fixture", provider: "deepseek" });
    let out = "";
    let done = false;
    // Feed in uneven slices so events (and UTF-8 characters) straddle chunk boundaries.
    for (let at = 0; at < transcript.length; at += 37) {
      for (const message of sse.push(transcript.subarray(at, at + 37))) {
        if (message.data === "[DONE]") {
          done = true;
          continue;
        }
        for (const event of decoder.push(JSON.parse(message.data))) out += encoder.push(event);
      }
    }
    assert.ok(done && decoder.finished);
    out += encoder.end();
    assert.equal(out, expected);
  });

  it("the expected transcript is what the official SDK assembles into the intended message", async () => {
    const expected = withoutProvenance(
      readFileSync("test/fixtures/anthropic/deepseek-reasoning-tools.expected.sse", "utf8"),
    );
    const client = new Anthropic({
      apiKey: "k",
      baseURL: "http://relay.invalid",
      maxRetries: 0,
      fetch: async () => new Response(expected, { headers: { "content-type": "text/event-stream" } }),
    });
    const stream = client.messages.stream({
      model: "deepseek-chat",
      max_tokens: 100,
      messages: [{ role: "user", content: "天气" }],
    });
    const message = await stream.finalMessage();
    assert.equal(message.id, "msg_0f8e4a2c-5b1d-4e7a-9c3f-2d6b8a1e4f70");
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(
      message.content.map((b) =>
        b.type === "thinking"
          ? b.thinking
          : b.type === "text"
            ? b.text
            : b.type === "tool_use"
              ? [b.id, b.input]
              : b.type,
      ),
      [
        "用户想知道两个城市的天气。",
        "我来查询北京和上海的天气。",
        ["call_0_b7f3e2a1", { city: "北京" }],
        ["call_1_5c9d0e4f", { city: "上海" }],
      ],
    );
    assert.deepEqual(
      [message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens],
      [176, 1024, 85],
    );
  });
});
