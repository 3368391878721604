/**
 * Gemini GenerateContentResponse (whole) → IR events, and the function-call /
 * signature round trip back through the request encoder
 * (src/upstreams/gemini/translate-response.ts). Streams and usage:
 * gemini-upstream-stream.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContentBlock } from "../../src/ir/request.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeGenerateContentRequest } from "../../src/upstreams/gemini/translate-request.js";
import { decodeGenerateContentResponse } from "../../src/upstreams/gemini/translate-response.js";

const body = (
  parts: unknown[],
  extra: Record<string, unknown> = {},
  candidate: Record<string, unknown> = {},
) => ({
  candidates: [{ content: { parts, role: "model" }, finishReason: "STOP", index: 0, ...candidate }],
  modelVersion: "gemini-4-neon",
  responseId: "resp-1",
  ...extra,
});

/** What a client of another dialect keeps of an assistant turn: its blocks, in order. */
function blocksOf(events: IrEvent[]): ContentBlock[] {
  const blocks = new Map<number, ContentBlock>();
  for (const e of events) {
    if (e.type === "text_delta") {
      const b = blocks.get(e.index) ?? { type: "text", text: "" };
      if (b.type === "text") b.text += e.text;
      blocks.set(e.index, b);
    } else if (e.type === "thinking_delta") {
      const b = blocks.get(e.index) ?? { type: "thinking", thinking: "" };
      if (b.type === "thinking") {
        b.thinking += e.text;
        if (e.signature) b.signature = e.signature;
      }
      blocks.set(e.index, b);
    } else if (e.type === "tool_call_start") {
      blocks.set(e.index, { type: "tool_use", id: e.id, name: e.name, input: "" });
    } else if (e.type === "tool_call_delta") {
      const b = blocks.get(e.index);
      if (b?.type === "tool_use") b.input = JSON.parse(e.argumentsJson);
    }
  }
  return [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b);
}

describe("Gemini response decoding", () => {
  it("thoughts with a signature, Chinese text and usage", () => {
    const events = decodeGenerateContentResponse(
      body(
        [
          { text: "用户在问天气", thought: true, thoughtSignature: "dGhvdWdodA==" },
          { text: "北京今天晴，" },
          { text: "21°C。", thoughtSignature: "dGV4dA==" },
        ],
        {
          usageMetadata: {
            promptTokenCount: 20,
            cachedContentTokenCount: 8,
            candidatesTokenCount: 9,
            thoughtsTokenCount: 5,
            totalTokenCount: 34,
          },
        },
      ),
      "gemini",
    );
    assert.deepEqual(events, [
      { type: "start", id: "resp-1", model: "gemini-4-neon" },
      { type: "thinking_delta", index: 0, choice: 0, text: "用户在问天气", signature: "dGhvdWdodA==" },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "text_delta", index: 1, choice: 0, text: "北京今天晴，" },
      { type: "text_delta", index: 1, choice: 0, text: "21°C。" },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "finish", choice: 0, reason: "end_turn", rawReason: "STOP" },
      {
        type: "usage",
        usage: {
          inputTokens: 20,
          cachedInputTokens: 8,
          cacheWriteTokens: 0,
          outputTokens: 14,
          reasoningTokens: 5,
        },
      },
    ]);
  });

  it("parallel function calls: ids made from the response id, the signature before the first call", () => {
    const events = decodeGenerateContentResponse(
      body(
        [
          { text: "我来查一下。" },
          { functionCall: { name: "get_weather", args: { city: "北京" } }, thoughtSignature: "c2lnLWNhbGw=" },
          { functionCall: { name: "get_weather", args: { city: "上海" } } },
          { functionCall: { id: "fc-given", name: "get_time", args: {} } },
        ],
        { responseId: "r/2+x=" },
      ),
    );
    assert.deepEqual(events, [
      { type: "start", id: "r/2+x=", model: "gemini-4-neon" },
      { type: "text_delta", index: 0, choice: 0, text: "我来查一下。" },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "thinking_delta", index: 1, choice: 0, text: "", signature: "c2lnLWNhbGw=" },
      { type: "block_stop", index: 1, choice: 0 },
      { type: "tool_call_start", index: 2, choice: 0, id: "call_r2x_0", name: "get_weather" },
      { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":"北京"}' },
      { type: "block_stop", index: 2, choice: 0 },
      { type: "tool_call_start", index: 3, choice: 0, id: "call_r2x_1", name: "get_weather" },
      { type: "tool_call_delta", index: 3, choice: 0, argumentsJson: '{"city":"上海"}' },
      { type: "block_stop", index: 3, choice: 0 },
      { type: "tool_call_start", index: 4, choice: 0, id: "fc-given", name: "get_time" },
      { type: "tool_call_delta", index: 4, choice: 0, argumentsJson: "{}" },
      { type: "block_stop", index: 4, choice: 0 },
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "STOP" },
    ]);
  });

  it("round trip: decoded calls and signatures encode back to the parts Gemini sent", () => {
    const parts = [
      { text: "先想想", thought: true, thoughtSignature: "dGhvdWdodA==" },
      { functionCall: { name: "get_weather", args: { city: "北京" } }, thoughtSignature: "c2lnLWNhbGw=" },
      { functionCall: { name: "get_weather", args: { city: "上海" } } },
    ];
    const events = decodeGenerateContentResponse(body(parts, { responseId: "abc" }));
    const assistant = blocksOf(events);
    const results: ContentBlock[] = assistant
      .filter((b) => b.type === "tool_use")
      .map((b) => ({
        type: "tool_result",
        toolUseId: b.type === "tool_use" ? b.id : "",
        content: [{ type: "text", text: "晴" }],
      }));
    const out = encodeGenerateContentRequest(
      {
        model: "m",
        system: [],
        stop: [],
        stream: false,
        extensions: {},
        tools: [],
        messages: [
          { role: "user", content: [{ type: "text", text: "天气？" }] },
          { role: "assistant", content: assistant },
          { role: "user", content: results },
        ],
      },
      "gemini-4-neon",
    );
    assert.deepEqual(out.body.contents, [
      { role: "user", parts: [{ text: "天气？" }] },
      {
        role: "model",
        parts: [
          parts[0],
          {
            functionCall: { id: "call_abc_0", name: "get_weather", args: { city: "北京" } },
            thoughtSignature: "c2lnLWNhbGw=",
          },
          { functionCall: { id: "call_abc_1", name: "get_weather", args: { city: "上海" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "call_abc_0", name: "get_weather", response: { output: "晴" } } },
          { functionResponse: { id: "call_abc_1", name: "get_weather", response: { output: "晴" } } },
        ],
      },
    ]);
    assert.deepEqual(out.transformations, []);
  });

  it("finish reasons, several candidates, blocked prompts", () => {
    const finish = (reason: string, parts: unknown[] = [{ text: "x" }]) =>
      decodeGenerateContentResponse(body(parts, {}, { finishReason: reason })).find(
        (e) => e.type === "finish",
      );
    assert.deepEqual(finish("MAX_TOKENS"), {
      type: "finish",
      choice: 0,
      reason: "max_tokens",
      rawReason: "MAX_TOKENS",
    });
    assert.deepEqual(finish("SAFETY", []), {
      type: "finish",
      choice: 0,
      reason: "content_filter",
      rawReason: "SAFETY",
    });
    assert.deepEqual(finish("RECITATION"), {
      type: "finish",
      choice: 0,
      reason: "content_filter",
      rawReason: "RECITATION",
    });
    assert.deepEqual(finish("MALFORMED_FUNCTION_CALL", []), {
      type: "finish",
      choice: 0,
      reason: "error",
      rawReason: "MALFORMED_FUNCTION_CALL",
    });
    assert.deepEqual(finish("OTHER"), { type: "finish", choice: 0, reason: "end_turn", rawReason: "OTHER" });
    const unfinished = decodeGenerateContentResponse(body([{ text: "x" }], {}, { finishReason: undefined }));
    assert.deepEqual(unfinished.at(-1), { type: "finish", choice: 0, reason: "end_turn", rawReason: "null" });

    const two = decodeGenerateContentResponse({
      candidates: [
        { content: { parts: [{ text: "甲" }], role: "model" }, finishReason: "STOP", index: 0 },
        { content: { parts: [{ text: "乙" }], role: "model" }, finishReason: "MAX_TOKENS", index: 1 },
      ],
      responseId: "r",
      modelVersion: "gemini-4-neon",
    });
    assert.deepEqual(two.slice(1), [
      { type: "text_delta", index: 0, choice: 0, text: "甲" },
      { type: "block_stop", index: 0, choice: 0 },
      { type: "finish", choice: 0, reason: "end_turn", rawReason: "STOP" },
      { type: "text_delta", index: 0, choice: 1, text: "乙" },
      { type: "block_stop", index: 0, choice: 1 },
      { type: "finish", choice: 1, reason: "max_tokens", rawReason: "MAX_TOKENS" },
    ]);

    const blocked = decodeGenerateContentResponse({
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
      modelVersion: "gemini-4-neon",
      responseId: "b",
    });
    assert.deepEqual(blocked, [
      { type: "start", id: "b", model: "gemini-4-neon" },
      { type: "finish", choice: 0, reason: "content_filter", rawReason: "PROHIBITED_CONTENT" },
      {
        type: "usage",
        usage: {
          inputTokens: 7,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it("refuses bodies it cannot represent", () => {
    const invalid = (json: unknown, detail: string) =>
      assert.throws(
        () => decodeGenerateContentResponse(json, "gemini"),
        (err: unknown) => {
          const e = err as { errorName?: string; message?: string };
          assert.equal(e.errorName, "OVT_ERR_UPSTREAM_INVALID_RESPONSE");
          assert.match(e.message ?? "", new RegExp(detail));
          return true;
        },
      );
    invalid("<html>", "not a JSON object");
    invalid({ error: { code: 500, message: "x", status: "INTERNAL" } }, "an error object");
    invalid({ candidates: [] }, "no candidates");
    invalid(body([{ inlineData: { mimeType: "image/png", data: "AA" } }]), "'inlineData' part");
    invalid(body([{ executableCode: { language: "PYTHON", code: "1" } }]), "'executableCode' part");
    invalid(body([{ functionCall: { name: "f", args: [1] } }]), "args is not an object");
    invalid(body([{ functionCall: { args: {} } }]), "without a name");
  });
});
