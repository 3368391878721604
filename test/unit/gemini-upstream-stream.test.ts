/**
 * Gemini streamGenerateContent chunks → IR events
 * (src/upstreams/gemini/translate-stream.ts) and normaliseGeminiUsage.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  GenerateContentStreamDecoder,
  normaliseGeminiUsage,
} from "../../src/upstreams/gemini/translate-response.js";

describe("Gemini stream decoding", () => {
  const chunk = (parts: unknown[], extra: Record<string, unknown> = {}, finishReason?: string) => ({
    candidates: [{ content: { parts, role: "model" }, ...(finishReason ? { finishReason } : {}), index: 0 }],
    modelVersion: "gemini-4-neon",
    responseId: "s1",
    ...extra,
  });

  it("incremental thoughts, text, a signed call and cumulative usage", () => {
    const d = new GenerateContentStreamDecoder("gemini");
    const prompt = { promptTokenCount: 10, totalTokenCount: 10 };
    assert.deepEqual(d.push(chunk([{ text: "想一", thought: true }], { usageMetadata: prompt })), [
      { type: "start", id: "s1", model: "gemini-4-neon" },
      { type: "thinking_delta", index: 0, choice: 0, text: "想一" },
      {
        type: "usage",
        usage: {
          inputTokens: 10,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
        },
      },
    ]);
    assert.deepEqual(
      d.push(chunk([{ text: "想", thought: true, thoughtSignature: "dA==" }], { usageMetadata: prompt })),
      [
        { type: "thinking_delta", index: 0, choice: 0, text: "想", signature: "dA==" },
        { type: "block_stop", index: 0, choice: 0 },
      ],
    );
    assert.deepEqual(d.push(chunk([{ text: "你好" }, { text: "，世界" }])), [
      { type: "text_delta", index: 1, choice: 0, text: "你好" },
      { type: "text_delta", index: 1, choice: 0, text: "，世界" },
    ]);
    assert.equal(d.finished, false);
    const last = chunk(
      [{ functionCall: { name: "lookup", args: { q: "北京" } }, thoughtSignature: "Yw==" }],
      {
        usageMetadata: {
          promptTokenCount: 10,
          candidatesTokenCount: 6,
          thoughtsTokenCount: 3,
          totalTokenCount: 19,
        },
      },
      "STOP",
    );
    assert.deepEqual(d.push(last), [
      { type: "block_stop", index: 1, choice: 0 },
      { type: "thinking_delta", index: 2, choice: 0, text: "", signature: "Yw==" },
      { type: "block_stop", index: 2, choice: 0 },
      { type: "tool_call_start", index: 3, choice: 0, id: "call_s1_0", name: "lookup" },
      { type: "tool_call_delta", index: 3, choice: 0, argumentsJson: '{"q":"北京"}' },
      { type: "block_stop", index: 3, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "STOP" },
      {
        type: "usage",
        usage: {
          inputTokens: 10,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 9,
          reasoningTokens: 3,
        },
      },
    ]);
    assert.equal(d.finished, true);
  });

  it("an error chunk becomes one scrubbed IR error event and ends decoding", () => {
    const d = new GenerateContentStreamDecoder("gemini");
    d.push(chunk([{ text: "部分" }]));
    const events = d.push({
      error: {
        code: 503,
        message:
          "The model is overloaded. See https://ai.google.dev/gemini-api/docs/troubleshooting for key AIzaSy0123",
        status: "UNAVAILABLE",
      },
    });
    assert.deepEqual(events, [
      {
        type: "error",
        code: "OVT_ERR_UPSTREAM_STREAM_ERROR",
        message:
          "Upstream gemini reported an error mid-stream: UNAVAILABLE: The model is overloaded. See [redacted] for key AIzaSy0123",
      },
    ]);
    assert.deepEqual(d.push(chunk([{ text: "more" }], {}, "STOP")), []);
    assert.equal(d.finished, false);
  });

  it("a chunk that is not an object is a protocol error", () => {
    const d = new GenerateContentStreamDecoder("gemini");
    assert.throws(() => d.push("[DONE]"), { errorName: "OVT_ERR_UPSTREAM_PROTOCOL" });
  });
});

describe("normaliseGeminiUsage", () => {
  it("maps Gemini's counts: thoughts are output, tool-use prompts are input, cached is part of input", () => {
    assert.deepEqual(
      normaliseGeminiUsage({
        promptTokenCount: 100,
        cachedContentTokenCount: 40,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 30,
        toolUsePromptTokenCount: 5,
        totalTokenCount: 155,
      }),
      {
        inputTokens: 105,
        cachedInputTokens: 40,
        cacheWriteTokens: 0,
        outputTokens: 50,
        reasoningTokens: 30,
        source: "upstream",
        flagged: false,
      },
    );
    assert.deepEqual(normaliseGeminiUsage({}), {
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      source: "upstream",
      flagged: false,
    });
    assert.equal(normaliseGeminiUsage(undefined), null);
    assert.equal(normaliseGeminiUsage("12"), null);
  });

  it("refuses impossible values: negative, fractional, mistyped → 0, absurd → capped, all flagged", () => {
    const bad = normaliseGeminiUsage({
      promptTokenCount: -3,
      candidatesTokenCount: 2.5,
      thoughtsTokenCount: "7",
    });
    assert.deepEqual(bad, {
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      source: "upstream",
      flagged: true,
    });
    const absurd = normaliseGeminiUsage({ promptTokenCount: 9_000_000_000, candidatesTokenCount: 1 });
    assert.equal(absurd?.inputTokens, 50_000_000);
    assert.equal(absurd?.flagged, true);
    const cached = normaliseGeminiUsage({ promptTokenCount: 10, cachedContentTokenCount: 11 });
    assert.deepEqual([cached?.cachedInputTokens, cached?.flagged], [10, true]);
    const sum = normaliseGeminiUsage({ candidatesTokenCount: 40_000_000, thoughtsTokenCount: 40_000_000 });
    assert.deepEqual([sum?.outputTokens, sum?.reasoningTokens, sum?.flagged], [50_000_000, 40_000_000, true]);
  });
});
