/**
 * Gemini API codec, non-streaming responses: IR events → GenerateContentResponse
 * (exact objects), finish reasons, candidates, usage, and refusals.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeGenerateContentResponse } from "../../src/protocols/gemini/encode.js";

const usage = {
  inputTokens: 30,
  cachedInputTokens: 10,
  cacheWriteTokens: 5,
  outputTokens: 12,
  reasoningTokens: 4,
};

/** Thinking with an Anthropic-style trailing signature, text, then two tool calls with split arguments. */
const toolTurn: IrEvent[] = [
  { type: "start", id: "msg_01XY", model: "claude-sonnet-4-5" },
  { type: "thinking_delta", index: 0, choice: 0, text: "想一想" },
  { type: "thinking_delta", index: 0, choice: 0, text: "", signature: "EqQBsig" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "查一下" },
  { type: "text_delta", index: 1, choice: 0, text: "天气。" },
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "toolu_a", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":' },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '"北京"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "tool_call_start", index: 3, choice: 0, id: "toolu_b", name: "get_time" },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
  { type: "usage", usage },
];

const USAGE_METADATA = {
  promptTokenCount: 30,
  candidatesTokenCount: 8,
  totalTokenCount: 42,
  cachedContentTokenCount: 10,
  thoughtsTokenCount: 4,
};

describe("encodeGenerateContentResponse", () => {
  it("folds a whole response into GenerateContentResponse (exact object)", () => {
    assert.deepEqual(encodeGenerateContentResponse(toolTurn), {
      candidates: [
        {
          content: {
            parts: [
              { text: "想一想", thought: true, thoughtSignature: "EqQBsig" },
              { text: "查一下天气。" },
              { functionCall: { name: "get_weather", args: { city: "北京" }, id: "toolu_a" } },
              { functionCall: { name: "get_time", args: {}, id: "toolu_b" } },
            ],
            role: "model",
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: USAGE_METADATA,
      modelVersion: "claude-sonnet-4-5",
      responseId: "msg_01XY",
    });
  });

  it("maps finish reasons, candidates and leaves usage out when none came", () => {
    const body = encodeGenerateContentResponse(
      [
        { type: "start", id: "", model: "deepseek-chat" },
        { type: "text_delta", index: 0, choice: 1, text: "b" },
        { type: "text_delta", index: 0, choice: 0, text: "a" },
        { type: "finish", choice: 0, reason: "max_tokens" },
        { type: "finish", choice: 1, reason: "content_filter" },
      ],
      { responseId: "resp_fixed" },
    );
    assert.deepEqual(body, {
      candidates: [
        { content: { parts: [{ text: "a" }], role: "model" }, finishReason: "MAX_TOKENS", index: 0 },
        { content: { parts: [{ text: "b" }], role: "model" }, finishReason: "SAFETY", index: 1 },
      ],
      modelVersion: "deepseek-chat",
      responseId: "resp_fixed",
    });
    const random = encodeGenerateContentResponse([
      { type: "start", id: "", model: "m" },
      { type: "finish", choice: 0, reason: "end_turn" },
    ]);
    assert.match(random.responseId, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(random.candidates[0]?.content.parts, []);
  });

  it("refuses failed or malformed responses", () => {
    const base: IrEvent[] = [{ type: "start", id: "x", model: "m" }];
    assert.throws(() => encodeGenerateContentResponse(base), {
      errorName: "OVT_ERR_UPSTREAM_INVALID_RESPONSE",
    });
    assert.throws(
      () =>
        encodeGenerateContentResponse([
          ...base,
          { type: "finish", choice: 0, reason: "error", rawReason: "x" },
        ]),
      { errorName: "OVT_ERR_UPSTREAM_ABORTED" },
    );
    assert.throws(
      () =>
        encodeGenerateContentResponse([
          ...base,
          { type: "tool_call_start", index: 0, choice: 0, id: "c", name: "f" },
          { type: "tool_call_delta", index: 0, choice: 0, argumentsJson: "[1]" },
          { type: "finish", choice: 0, reason: "tool_use" },
        ]),
      { errorName: "OVT_ERR_TRANSLATE_TOOL_ARGUMENTS" },
    );
    assert.throws(
      () =>
        encodeGenerateContentResponse([
          ...base,
          { type: "text_delta", index: 0, choice: 0, text: "a" },
          { type: "thinking_delta", index: 0, choice: 0, text: "b" },
        ]),
      { errorName: "OVT_ERR_UPSTREAM_PROTOCOL" },
    );
  });
});
