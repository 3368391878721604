/**
 * Gemini API codec, streams: IR events → streamGenerateContent bytes in both
 * framings (SSE with `alt=sse`, JSON array without), including failures
 * mid-stream.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { GenerateContentStreamEncoder } from "../../src/protocols/gemini/stream.js";

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

function run(events: IrEvent[], sse: boolean): { out: string; encoder: GenerateContentStreamEncoder } {
  const encoder = new GenerateContentStreamEncoder({ sse, requestId: "req_s" });
  const out = events.map((e) => encoder.push(e)).join("") + encoder.end();
  return { out, encoder };
}

const chunk = (
  parts: unknown[],
  extra: Record<string, unknown> = {},
  candidate: Record<string, unknown> = {},
) =>
  JSON.stringify({
    candidates: [{ content: { parts, role: "model" }, ...candidate, index: 0 }],
    ...extra,
    modelVersion: "claude-sonnet-4-5",
    responseId: "msg_01XY",
  });

describe("GenerateContentStreamEncoder", () => {
  it("writes SSE chunks with CRLF framing, whole function calls and a last chunk with finish and usage", () => {
    const { out, encoder } = run(toolTurn, true);
    const expected = [
      chunk([{ text: "想一想", thought: true }]),
      chunk([{ text: "", thought: true, thoughtSignature: "EqQBsig" }]),
      chunk([{ text: "查一下" }]),
      chunk([{ text: "天气。" }]),
      chunk([{ functionCall: { name: "get_weather", args: { city: "北京" }, id: "toolu_a" } }]),
      chunk([{ functionCall: { name: "get_time", args: {}, id: "toolu_b" } }]),
      chunk([{ text: "" }], { usageMetadata: USAGE_METADATA }, { finishReason: "STOP" }),
    ]
      .map((c) => `data: ${c}\r\n\r\n`)
      .join("");
    assert.equal(out, expected);
    assert.equal(encoder.done, true);
    assert.equal(encoder.finished, true);
    assert.equal(encoder.end(), "");
  });

  it("writes the JSON-array form piecewise: [ chunk ,\\r\\n chunk … ]", () => {
    const { out } = run(toolTurn, false);
    const parsed = JSON.parse(out) as Array<{ candidates: Array<{ finishReason?: string }> }>;
    assert.equal(parsed.length, 7);
    assert.ok(out.startsWith(`[${chunk([{ text: "想一想", thought: true }])},\r\n{`));
    assert.ok(out.endsWith("}]"));
    assert.equal(parsed[6]?.candidates[0]?.finishReason, "STOP");

    const empty = run(
      [
        { type: "start", id: "r", model: "m" },
        { type: "finish", choice: 0, reason: "max_tokens" },
      ],
      false,
    ).out;
    assert.equal(
      empty,
      '[{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"modelVersion":"m","responseId":"r"}]',
    );
  });

  it("never completes a cut or aborted stream: end() is empty and failure says why", () => {
    const encoder = new GenerateContentStreamEncoder({ sse: true, provider: "up", requestId: "req_c" });
    const partial =
      encoder.push({ type: "start", id: "r", model: "m" }) +
      encoder.push({ type: "text_delta", index: 0, choice: 0, text: "半" });
    assert.equal(
      partial,
      `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: "半" }], role: "model" }, index: 0 }], modelVersion: "m", responseId: "r" })}\r\n\r\n`,
    );
    assert.equal(encoder.end(), "");
    assert.equal(encoder.failure?.errorName, "OVT_ERR_UPSTREAM_DISCONNECTED");
    const error = encoder.error(encoder.failure!);
    assert.match(
      error,
      /^data: \{"error":\{"code":502,"message":"Upstream up closed the stream before it finished\.","status":"UNAVAILABLE"/,
    );
    assert.ok(error.endsWith("\r\n\r\n"));
    assert.equal(encoder.done, true);
    assert.equal(encoder.push({ type: "text_delta", index: 0, choice: 0, text: "x" }), "");

    const aborted = new GenerateContentStreamEncoder({ sse: true });
    aborted.push({ type: "finish", choice: 0, reason: "error", rawReason: "insufficient_system_resource" });
    assert.equal(aborted.end(), "");
    assert.equal(aborted.failure?.errorName, "OVT_ERR_UPSTREAM_ABORTED");
  });

  it("closes the JSON array with the error element, opened or not", () => {
    const err = new OvertError("OVT_ERR_UPSTREAM_TIMEOUT", { provider: "p", seconds: 30 });
    const opened = new GenerateContentStreamEncoder({ sse: false });
    const out =
      opened.push({ type: "start", id: "r", model: "m" }) +
      opened.push({ type: "text_delta", index: 0, choice: 0, text: "a" }) +
      opened.error(err);
    const parsed = JSON.parse(out) as Array<Record<string, { code?: number; status?: string }>>;
    assert.equal(parsed.length, 2);
    assert.equal(parsed[1]?.error?.code, 504);
    assert.equal(parsed[1]?.error?.status, "DEADLINE_EXCEEDED");
    const fresh = new GenerateContentStreamEncoder({ sse: false }).error(err);
    assert.equal((JSON.parse(fresh) as unknown[]).length, 1);
  });

  it("writes an upstream error event as the in-stream error", () => {
    const encoder = new GenerateContentStreamEncoder({ sse: true });
    const out = encoder.push({ type: "error", code: "OVT_ERR_UPSTREAM_STREAM_ERROR", message: "overloaded" });
    assert.match(out, /^data: \{"error":\{"code":502,"message":"overloaded","status":"UNAVAILABLE"/);
    assert.equal(encoder.done, true);
  });

  it("flushes unfinished tool calls at finish and refuses malformed sequences", () => {
    const encoder = new GenerateContentStreamEncoder({ sse: true, responseId: "fixed" });
    encoder.push({ type: "start", id: "u", model: "m" });
    encoder.push({ type: "tool_call_start", index: 0, choice: 0, id: "c1", name: "a" });
    encoder.push({ type: "tool_call_start", index: 1, choice: 0, id: "c2", name: "b" });
    encoder.push({ type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '{"x":1}' });
    const flushed = encoder.push({ type: "finish", choice: 0, reason: "tool_use" });
    assert.equal(
      flushed,
      `data: ${JSON.stringify({
        candidates: [
          {
            content: {
              parts: [
                { functionCall: { name: "a", args: {}, id: "c1" } },
                { functionCall: { name: "b", args: { x: 1 }, id: "c2" } },
              ],
              role: "model",
            },
            index: 0,
          },
        ],
        modelVersion: "m",
        responseId: "fixed",
      })}\r\n\r\n`,
    );
    assert.throws(() => encoder.push({ type: "text_delta", index: 2, choice: 0, text: "late" }), {
      errorName: "OVT_ERR_UPSTREAM_PROTOCOL",
    });
    const bad = new GenerateContentStreamEncoder({ sse: true });
    assert.throws(() => bad.push({ type: "tool_call_delta", index: 0, choice: 0, argumentsJson: "{}" }), {
      errorName: "OVT_ERR_UPSTREAM_PROTOCOL",
    });
    bad.push({ type: "tool_call_start", index: 0, choice: 0, id: "c", name: "f" });
    bad.push({ type: "tool_call_delta", index: 0, choice: 0, argumentsJson: "not json" });
    assert.throws(() => bad.push({ type: "block_stop", index: 0, choice: 0 }), {
      errorName: "OVT_ERR_TRANSLATE_TOOL_ARGUMENTS",
    });
  });

  it("streams several candidates, each chunk naming its candidate, the last one finishing all", () => {
    const { out } = run(
      [
        { type: "start", id: "r", model: "m" },
        { type: "text_delta", index: 0, choice: 0, text: "甲" },
        { type: "text_delta", index: 0, choice: 1, text: "乙" },
        { type: "finish", choice: 1, reason: "end_turn" },
        { type: "finish", choice: 0, reason: "stop_sequence", stopSequence: "END" },
      ],
      true,
    );
    const chunks = out
      .split("\r\n\r\n")
      .filter((s) => s !== "")
      .map((s) => JSON.parse(s.slice("data: ".length)) as { candidates: unknown[] });
    assert.deepEqual(
      chunks.map((c) => c.candidates),
      [
        [{ content: { parts: [{ text: "甲" }], role: "model" }, index: 0 }],
        [{ content: { parts: [{ text: "乙" }], role: "model" }, index: 1 }],
        [
          { content: { parts: [{ text: "" }], role: "model" }, finishReason: "STOP", index: 0 },
          { content: { parts: [{ text: "" }], role: "model" }, finishReason: "STOP", index: 1 },
        ],
      ],
    );
  });
});
