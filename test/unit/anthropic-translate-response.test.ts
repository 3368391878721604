/**
 * Anthropic Messages response → IR events, non-streaming: the message object,
 * the stop-reason table and cache usage. Event-by-event stream decoding:
 * anthropic-translate-stream-events.test.ts; the fixture transcript:
 * anthropic-translate-stream.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import { encodeMessagesResponse } from "../../src/protocols/anthropic-messages/encode.js";
import { decodeMessagesResponse } from "../../src/upstreams/anthropic/translate-response.js";

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

describe("decodeMessagesResponse (non-streaming)", () => {
  const body = message({
    content: [
      { type: "thinking", thinking: "Check the weather first.", signature: "EqQBCgIYAhIM" },
      { type: "redacted_thinking", data: "EmwKAhgBEgy3va3p" },
      { type: "text", text: "Let me look that up." },
      {
        type: "tool_use",
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
        input: { location: "Paris" },
      },
      { type: "tool_use", id: "toolu_02", name: "get_time", input: {} },
    ],
    stop_reason: "tool_use",
    usage: {
      input_tokens: 12,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 2000,
      output_tokens: 300,
      output_tokens_details: { thinking_tokens: 120 },
      service_tier: "standard",
    },
  });

  it("emits the exact events: blocks renumbered, thinking with its signature, cache usage", () => {
    assert.deepEqual(decodeMessagesResponse(body, "anthropic"), [
      { type: "start", id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5-20250929" },
      {
        type: "thinking_delta",
        index: 0,
        choice: 0,
        text: "Check the weather first.",
        signature: "EqQBCgIYAhIM",
      },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "text_delta", index: 1, choice: 0, text: "Let me look that up." },
      { type: "block_stop", index: 1, choice: 0 },
      {
        type: "tool_call_start",
        index: 2,
        choice: 0,
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
      },
      { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"location":"Paris"}' },
      { type: "block_stop", index: 2, choice: 0 },
      { type: "tool_call_start", index: 3, choice: 0, id: "toolu_02", name: "get_time" },
      { type: "tool_call_delta", index: 3, choice: 0, argumentsJson: "{}" },
      { type: "block_stop", index: 3, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
      {
        type: "usage",
        usage: {
          inputTokens: 2112,
          cachedInputTokens: 2000,
          cacheWriteTokens: 100,
          outputTokens: 300,
          reasoningTokens: 120,
        },
      },
    ]);
  });

  it("round-trips through the Anthropic encoder (minus the redacted block)", () => {
    const rebuilt = encodeMessagesResponse(decodeMessagesResponse(body));
    assert.deepEqual(rebuilt, {
      ...body,
      content: body.content.filter((b) => b.type !== "redacted_thinking"),
      usage: {
        input_tokens: 12,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 2000,
        output_tokens: 300,
      },
    });
  });

  it("maps every stop reason, keeping the raw one and the stop sequence", () => {
    const table: [raw: string | null, reason: string][] = [
      ["end_turn", "end_turn"],
      ["max_tokens", "max_tokens"],
      ["tool_use", "tool_use"],
      ["pause_turn", "pause"],
      ["refusal", "refusal"],
      ["model_context_window_exceeded", "max_tokens"],
      ["something_new", "end_turn"],
      [null, "end_turn"],
    ];
    for (const [raw, reason] of table) {
      const events = decodeMessagesResponse(message({ stop_reason: raw }));
      assert.deepEqual(events.at(-2), { type: "finish", choice: 0, reason, rawReason: raw ?? "null" });
    }
    const stopped = decodeMessagesResponse(
      message({ stop_reason: "stop_sequence", stop_sequence: "\n\nHuman:" }),
    );
    assert.deepEqual(stopped.at(-2), {
      type: "finish",
      choice: 0,
      reason: "stop_sequence",
      rawReason: "stop_sequence",
      stopSequence: "\n\nHuman:",
    });
  });

  it("rejects what is not a message, or content with no IR form", () => {
    const rejects = (json: unknown, detail: RegExp) =>
      assert.throws(
        () => decodeMessagesResponse(json, "anthropic"),
        (err: unknown) =>
          err instanceof OvertError &&
          err.errorName === "OVT_ERR_UPSTREAM_INVALID_RESPONSE" &&
          detail.test(err.message),
      );
    rejects("<html>", /not a JSON object/);
    rejects({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, /an error object/);
    rejects(message({ content: null }), /no content array/);
    rejects(
      message({ content: [{ type: "server_tool_use", id: "s", name: "web_search", input: {} }] }),
      /'server_tool_use' has no IR form/,
    );
    rejects(
      message({ content: [{ type: "tool_use", id: "t", name: "f", input: "x" }] }),
      /input is not an object/,
    );
  });
});
