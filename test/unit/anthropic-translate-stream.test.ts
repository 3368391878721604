/**
 * Anthropic SSE → IR: a fixture transcript (synthesized from the streaming
 * guide's examples, see its provenance header) decoded to the exact IR event
 * list, and the same transcript replayed through the official SDK to show it is
 * a valid Anthropic stream whose message the IR events rebuild.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeMessagesResponse } from "../../src/protocols/anthropic-messages/encode.js";
import { SseDecoder } from "../../src/transport/sse-reader.js";
import { MessagesStreamDecoder } from "../../src/upstreams/anthropic/translate-response.js";

const FIXTURE = "test/fixtures/anthropic/messages-thinking-tool.sse";
const SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";
const TEXT = [
  "Okay",
  ",",
  " let",
  "'s",
  " check",
  " the",
  " weather",
  " for",
  " San",
  " Francisco",
  ",",
  " CA",
  ":",
];
const JSON_FRAGMENTS = [
  '{"location":',
  ' "San',
  " Francisc",
  "o,",
  ' CA"',
  ", ",
  '"unit": "fah',
  'renheit"}',
];

const expected: IrEvent[] = [
  { type: "start", id: "msg_014p7gG3wDgGV9EUtLvnow3U", model: "claude-sonnet-4-5-20250929" },
  { type: "thinking_delta", index: 0, choice: 0, text: "The user wants the weather in San Francisco." },
  { type: "thinking_delta", index: 0, choice: 0, text: " I should call get_weather." },
  { type: "thinking_delta", index: 0, choice: 0, text: "", signature: SIGNATURE },
  { type: "block_stop", index: 0, choice: 0 },
  ...TEXT.map((text): IrEvent => ({ type: "text_delta", index: 1, choice: 0, text })),
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
  ...JSON_FRAGMENTS.map(
    (argumentsJson): IrEvent => ({ type: "tool_call_delta", index: 2, choice: 0, argumentsJson }),
  ),
  { type: "block_stop", index: 2, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
  {
    type: "usage",
    usage: {
      inputTokens: 2520,
      cachedInputTokens: 2048,
      cacheWriteTokens: 0,
      outputTokens: 89,
      reasoningTokens: 0,
    },
  },
];

/** Strips the provenance note (leading `:` comment lines and the blank line after them). */
function withoutProvenance(text: string): string {
  return text.replace(/^(?::[^\n]*\n)+\n/, "");
}

function decodeFixture(slice: number): { events: IrEvent[]; decoder: MessagesStreamDecoder } {
  const bytes = readFileSync(FIXTURE);
  const sse = new SseDecoder();
  const decoder = new MessagesStreamDecoder("anthropic");
  const events: IrEvent[] = [];
  for (let at = 0; at < bytes.length; at += slice) {
    for (const message of sse.push(bytes.subarray(at, at + slice))) {
      events.push(...decoder.push(message.event ?? "", JSON.parse(message.data)));
    }
  }
  for (const message of sse.end())
    events.push(...decoder.push(message.event ?? "", JSON.parse(message.data)));
  return { events, decoder };
}

describe("fixture: Anthropic stream transcript → IR events", () => {
  it("decodes to the exact event list, whatever the network slicing", () => {
    for (const slice of [1, 37, 4096]) {
      const { events, decoder } = decodeFixture(slice);
      assert.deepEqual(events, expected);
      assert.equal(decoder.finished, true);
    }
  });

  it("is a transcript the official SDK accepts, and the IR events rebuild its message", async () => {
    const body = withoutProvenance(readFileSync(FIXTURE, "utf8"));
    const client = new Anthropic({
      apiKey: "k",
      baseURL: "http://relay.invalid",
      maxRetries: 0,
      fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    });
    const message = await client.messages
      .stream({
        model: "claude-opus-4-7",
        max_tokens: 1024,
        messages: [{ role: "user", content: "Weather in SF?" }],
      })
      .finalMessage();
    const rebuilt = encodeMessagesResponse(expected);
    assert.equal(message.id, rebuilt.id);
    assert.equal(message.stop_reason, rebuilt.stop_reason);
    assert.deepEqual(message.content, rebuilt.content);
    assert.deepEqual(rebuilt.content[2], {
      type: "tool_use",
      id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
      name: "get_weather",
      input: { location: "San Francisco, CA", unit: "fahrenheit" },
    });
    assert.deepEqual(
      [message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens],
      [rebuilt.usage.input_tokens, rebuilt.usage.cache_read_input_tokens, rebuilt.usage.output_tokens],
    );
  });
});
