/**
 * OpenAI Responses codec, the non-streaming `response` object (encodeResponse),
 * a round trip of its output items back through the decoder, and how the
 * stream encoder ends when the upstream fails (never a fake
 * response.completed). The normal stream: responses-codec-stream.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { decodeResponsesRequest } from "../../src/protocols/openai-responses/decode.js";
import { encodeResponse } from "../../src/protocols/openai-responses/encode.js";
import { ResponsesStreamEncoder } from "../../src/protocols/openai-responses/stream.js";
import { DEFAULT_ECHO, responseEchoOf } from "../../src/protocols/openai-responses/wire.js";

const usage = {
  inputTokens: 120,
  cachedInputTokens: 100,
  cacheWriteTokens: 15,
  outputTokens: 40,
  reasoningTokens: 12,
};
const wireUsage = {
  input_tokens: 120,
  input_tokens_details: { cached_tokens: 100 },
  output_tokens: 40,
  output_tokens_details: { reasoning_tokens: 12 },
  total_tokens: 160,
};

const textTurn: IrEvent[] = [
  { type: "start", id: "msg_01XF", model: "claude-sonnet-4-5", created: 1_700_000_000 },
  { type: "text_delta", index: 0, choice: 0, text: "" },
  { type: "text_delta", index: 0, choice: 0, text: "你好，" },
  { type: "text_delta", index: 0, choice: 0, text: "世界" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "finish", choice: 0, reason: "end_turn", rawReason: "end_turn" },
  { type: "usage", usage },
];

/** Thinking, text, then two parallel tool calls (the second without arguments). */
const toolTurn: IrEvent[] = [
  { type: "start", id: "msg_01TL", model: "claude-sonnet-4-5", created: 1_700_000_000 },
  { type: "thinking_delta", index: 0, choice: 0, text: "并行查询。" },
  { type: "thinking_delta", index: 0, choice: 0, text: "", signature: "EqQBCgIYAh" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "查一下。" },
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "toolu_bj", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":' },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '"北京"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "tool_call_start", index: 3, choice: 0, id: "toolu_now", name: "get_time" },
  { type: "block_stop", index: 3, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
  { type: "usage", usage },
];

interface Sse {
  event: string;
  data: Record<string, unknown>;
}

/** Splits the SSE text into events, checking the grammar and the numbering as it goes. */
function parse(text: string): Sse[] {
  assert.ok(text.endsWith("\n\n"), "ends with a blank line");
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((frame, n) => {
      const match = /^event: (\S+)\ndata: (.*)$/.exec(frame);
      assert.ok(match, `frame ${n}: ${frame}`);
      const data = JSON.parse(match[2]!) as Record<string, unknown>;
      assert.equal(data.type, match[1]);
      assert.equal(data.sequence_number, n);
      return { event: match[1]!, data };
    });
}

function response(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "resp_msg_01XF",
    object: "response",
    created_at: 1_700_000_000,
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: "claude-sonnet-4-5",
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: null,
    user: null,
    metadata: {},
    ...fields,
  };
}

const strip = (events: Sse[]) =>
  events.map(({ data }) => {
    const { sequence_number: _, ...rest } = data;
    return rest;
  });

describe("ResponsesStreamEncoder failures", () => {
  it("does not complete a cut stream: end() is empty and error() sends error + response.failed", () => {
    const encoder = new ResponsesStreamEncoder({ provider: "anthropic" });
    let out = "";
    for (const e of textTurn.slice(0, 3)) out += encoder.push(e);
    assert.equal(encoder.end(), "");
    assert.equal(encoder.finished, false);
    const failure = encoder.failure;
    assert.ok(failure instanceof OvertError);
    assert.equal(failure.errorName, "OVT_ERR_UPSTREAM_DISCONNECTED");
    out += encoder.error(failure);
    assert.equal(encoder.done, true);
    assert.equal(encoder.push(textTurn[3]!), "");
    const events = parse(out);
    const message = "Upstream anthropic closed the stream before it finished.";
    assert.deepEqual(strip(events.slice(-2)), [
      {
        type: "error",
        code: "upstream_disconnected",
        message,
        param: null,
        error: { message, type: "server_error", param: null, code: "upstream_disconnected" },
      },
      {
        type: "response.failed",
        response: response({
          status: "failed",
          error: { code: "server_error", message },
          output: [
            {
              id: "msg_msg_01XF_0",
              type: "message",
              status: "incomplete",
              content: [{ type: "output_text", annotations: [], logprobs: [], text: "你好，" }],
              role: "assistant",
            },
          ],
        }),
      },
    ]);
  });

  it("treats an error finish as a failure (upstream aborted) and an IR error event as the end", () => {
    const aborted = new ResponsesStreamEncoder();
    for (const e of textTurn.slice(0, 4)) aborted.push(e);
    aborted.push({ type: "finish", choice: 0, reason: "error", rawReason: "insufficient_system_resource" });
    assert.equal(aborted.finished, false);
    assert.equal(aborted.end(), "");
    assert.equal(aborted.failure?.errorName, "OVT_ERR_UPSTREAM_ABORTED");

    const errored = new ResponsesStreamEncoder();
    let out = errored.push(textTurn[0]!);
    out += errored.push({ type: "error", code: "OVT_ERR_UPSTREAM_STREAM_ERROR", message: "overloaded" });
    const events = parse(out);
    assert.deepEqual(
      events.map((e) => e.event),
      ["response.created", "response.in_progress", "error", "response.failed"],
    );
    assert.equal(events[2]?.data.message, "overloaded");
    assert.equal(errored.done, true);
  });

  it("refuses a delta for a closed or unknown block rather than bending the grammar", () => {
    const encoder = new ResponsesStreamEncoder();
    for (const e of textTurn.slice(0, 5)) encoder.push(e);
    assert.throws(
      () => encoder.push({ type: "text_delta", index: 0, choice: 0, text: "late" }),
      (e: unknown) => e instanceof OvertError && e.errorName === "OVT_ERR_UPSTREAM_PROTOCOL",
    );
    assert.throws(() => encoder.push({ type: "tool_call_delta", index: 9, choice: 0, argumentsJson: "{}" }));
  });
});

describe("encodeResponse", () => {
  it("builds the response object for a tool turn", () => {
    const body = encodeResponse(toolTurn, { echo: DEFAULT_ECHO });
    assert.deepEqual(
      body,
      response({
        id: "resp_msg_01TL",
        status: "completed",
        output: [
          {
            id: "rs_msg_01TL_0",
            type: "reasoning",
            summary: [{ type: "summary_text", text: "并行查询。" }],
          },
          {
            id: "msg_msg_01TL_1",
            type: "message",
            status: "completed",
            content: [{ type: "output_text", annotations: [], logprobs: [], text: "查一下。" }],
            role: "assistant",
          },
          {
            id: "fc_msg_01TL_2",
            type: "function_call",
            status: "completed",
            arguments: '{"city":"北京"}',
            call_id: "toolu_bj",
            name: "get_weather",
          },
          {
            id: "fc_msg_01TL_3",
            type: "function_call",
            status: "completed",
            arguments: "{}",
            call_id: "toolu_now",
            name: "get_time",
          },
        ],
        usage: wireUsage,
      }),
    );
  });

  it("marks a content-filtered answer incomplete and throws for failures", () => {
    const filtered = encodeResponse([
      ...textTurn.slice(0, 4),
      { type: "finish", choice: 0, reason: "refusal", rawReason: "refusal" },
    ]);
    assert.equal(filtered.status, "incomplete");
    assert.deepEqual(filtered.incomplete_details, { reason: "content_filter" });
    const name = (events: IrEvent[]) => {
      try {
        encodeResponse(events);
      } catch (e) {
        return e instanceof OvertError ? e.errorName : "other";
      }
      return "none";
    };
    assert.equal(name(textTurn.slice(0, 4)), "OVT_ERR_UPSTREAM_INVALID_RESPONSE");
    assert.equal(
      name([...textTurn.slice(0, 4), { type: "finish", choice: 0, reason: "error" }]),
      "OVT_ERR_UPSTREAM_ABORTED",
    );
    assert.equal(
      name([textTurn[0]!, { type: "error", code: "x", message: "boom" }]),
      "OVT_ERR_UPSTREAM_STREAM_ERROR",
    );
  });

  it("round-trips: the output items sent back as input decode to the same turn, signature included", () => {
    const echo = responseEchoOf({ model: "m", input: "x", include: ["reasoning.encrypted_content"] });
    const first = encodeResponse(toolTurn, { echo });
    const ir = decodeResponsesRequest({
      model: "claude-sonnet-4-5",
      input: [
        { role: "user", content: "北京天气和现在时间？" },
        ...(first.output as unknown[]),
        { type: "function_call_output", call_id: "toolu_bj", output: "晴" },
        { type: "function_call_output", call_id: "toolu_now", output: "12:00" },
      ],
    });
    assert.deepEqual(ir.messages.slice(1), [
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "并行查询。", signature: "EqQBCgIYAh" },
          { type: "text", text: "查一下。" },
          { type: "tool_use", id: "toolu_bj", name: "get_weather", input: { city: "北京" } },
          { type: "tool_use", id: "toolu_now", name: "get_time", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "toolu_bj", content: [{ type: "text", text: "晴" }] },
          { type: "tool_result", toolUseId: "toolu_now", content: [{ type: "text", text: "12:00" }] },
        ],
      },
    ]);
    assert.deepEqual(ir.extensions, {});
  });
});
