/**
 * OpenAI Responses codec, response side: ResponsesStreamEncoder writes the
 * events the API streams, in its order, numbered from 0 (exact events
 * compared). Failures and the non-streaming object: responses-codec-response.test.ts;
 * the official SDK's view of the same output: responses-codec-sdk.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrEvent } from "../../src/ir/stream.js";
import { encodeResponse } from "../../src/protocols/openai-responses/encode.js";
import {
  ResponsesStreamEncoder,
  type ResponsesStreamOptions,
} from "../../src/protocols/openai-responses/stream.js";
import { responseEchoOf, sealSignature } from "../../src/protocols/openai-responses/wire.js";

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

function encodeAll(events: IrEvent[], options: ResponsesStreamOptions = {}): string {
  const encoder = new ResponsesStreamEncoder(options);
  const body = events.map((e) => encoder.push(e)).join("");
  assert.equal(encoder.finished, true);
  return body + encoder.end();
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

describe("ResponsesStreamEncoder", () => {
  it("streams a text answer as the API's exact event sequence (Chinese intact)", () => {
    const out = encodeAll(textTurn);
    assert.ok(
      out.startsWith('event: response.created\ndata: {"type":"response.created","sequence_number":0,'),
    );
    const item = { item_id: "msg_msg_01XF_0", output_index: 0, content_index: 0 };
    const part = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });
    const message = (status: string, content: unknown[]) => ({
      id: "msg_msg_01XF_0",
      type: "message",
      status,
      content,
      role: "assistant",
    });
    assert.deepEqual(strip(parse(out)), [
      { type: "response.created", response: response({}) },
      { type: "response.in_progress", response: response({}) },
      { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
      { type: "response.content_part.added", ...item, part: part("") },
      { type: "response.output_text.delta", ...item, delta: "你好，", logprobs: [] },
      { type: "response.output_text.delta", ...item, delta: "世界", logprobs: [] },
      { type: "response.output_text.done", ...item, text: "你好，世界", logprobs: [] },
      { type: "response.content_part.done", ...item, part: part("你好，世界") },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: message("completed", [part("你好，世界")]),
      },
      {
        type: "response.completed",
        response: response({
          status: "completed",
          output: [message("completed", [part("你好，世界")])],
          usage: wireUsage,
        }),
      },
    ]);
  });

  it("streams reasoning, text and parallel function calls item by item", () => {
    const labels: string[] = [];
    const events = parse(encodeAll(toolTurn, { transforms: { add: (l) => labels.push(l) } }));
    assert.deepEqual(
      events.map((e) => [e.event, e.data.output_index ?? null]),
      [
        ["response.created", null],
        ["response.in_progress", null],
        ["response.output_item.added", 0],
        ["response.reasoning_summary_part.added", 0],
        ["response.reasoning_summary_text.delta", 0],
        ["response.reasoning_summary_text.done", 0],
        ["response.reasoning_summary_part.done", 0],
        ["response.output_item.done", 0],
        ["response.output_item.added", 1],
        ["response.content_part.added", 1],
        ["response.output_text.delta", 1],
        ["response.output_text.done", 1],
        ["response.content_part.done", 1],
        ["response.output_item.done", 1],
        ["response.output_item.added", 2],
        ["response.function_call_arguments.delta", 2],
        ["response.function_call_arguments.delta", 2],
        ["response.function_call_arguments.done", 2],
        ["response.output_item.done", 2],
        ["response.output_item.added", 3],
        ["response.function_call_arguments.delta", 3],
        ["response.function_call_arguments.done", 3],
        ["response.output_item.done", 3],
        ["response.completed", null],
      ],
    );
    const data = (n: number) => strip(events)[n];
    assert.deepEqual(data(4), {
      type: "response.reasoning_summary_text.delta",
      item_id: "rs_msg_01TL_0",
      output_index: 0,
      summary_index: 0,
      delta: "并行查询。",
    });
    assert.deepEqual(data(14), {
      type: "response.output_item.added",
      output_index: 2,
      item: {
        id: "fc_msg_01TL_2",
        type: "function_call",
        status: "in_progress",
        arguments: "",
        call_id: "toolu_bj",
        name: "get_weather",
      },
    });
    assert.deepEqual(data(17), {
      type: "response.function_call_arguments.done",
      item_id: "fc_msg_01TL_2",
      output_index: 2,
      name: "get_weather",
      arguments: '{"city":"北京"}',
    });
    assert.deepEqual(data(20), {
      type: "response.function_call_arguments.delta",
      item_id: "fc_msg_01TL_3",
      output_index: 3,
      delta: "{}",
    });
    const done = events.at(-1)?.data.response as Record<string, unknown>;
    assert.equal(done.status, "completed");
    assert.deepEqual(done.output, encodeResponse(toolTurn).output);
    assert.deepEqual(labels, ["dropped:thinking_signature"]);
  });

  it("seals the thinking signature as encrypted_content when the request included it", () => {
    const echo = responseEchoOf({ model: "m", input: "x", include: ["reasoning.encrypted_content"] });
    const events = parse(encodeAll(toolTurn, { echo }));
    const added = events[2]?.data.item;
    assert.deepEqual(added, { id: "rs_msg_01TL_0", type: "reasoning", summary: [] });
    assert.deepEqual(events[7]?.data.item, {
      id: "rs_msg_01TL_0",
      type: "reasoning",
      summary: [{ type: "summary_text", text: "并行查询。" }],
      encrypted_content: sealSignature("EqQBCgIYAh"),
    });
  });

  it("ends a max_tokens cut with response.incomplete and the cut item incomplete", () => {
    const events = parse(
      encodeAll([
        ...textTurn.slice(0, 5),
        { type: "finish", choice: 0, reason: "max_tokens", rawReason: "max_tokens" },
      ]),
    );
    const last = events.at(-1)!;
    assert.equal(last.event, "response.incomplete");
    const body = last.data.response as Record<string, unknown>;
    assert.equal(body.status, "incomplete");
    assert.deepEqual(body.incomplete_details, { reason: "max_output_tokens" });
    assert.equal(body.usage, null); // the upstream reported none: never made up
    assert.equal((events.at(-2)!.data.item as { status: string }).status, "incomplete");
  });

  it("echoes the request's settings in the response objects", () => {
    const echo = responseEchoOf({
      model: "m",
      input: "x",
      instructions: "sys",
      tools: [{ type: "function", name: "f" }],
      tool_choice: "required",
      temperature: 0.5,
      max_output_tokens: 900,
      reasoning: { effort: "low", summary: "auto" },
      metadata: { k: "v" },
      store: true,
    });
    const first = parse(encodeAll(textTurn, { echo }))[0]?.data.response as Record<string, unknown>;
    assert.deepEqual(
      [first.instructions, first.tools, first.tool_choice, first.temperature, first.max_output_tokens],
      ["sys", [{ type: "function", name: "f" }], "required", 0.5, 900],
    );
    assert.deepEqual(
      [first.reasoning, first.metadata, first.store],
      [{ effort: "low", summary: "auto" }, { k: "v" }, false],
    );
  });
});
