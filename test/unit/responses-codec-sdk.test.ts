/**
 * The official `openai` SDK (v6) against the Responses codec, over a real HTTP
 * connection (node:http on 127.0.0.1): the requests `client.responses.create`
 * sends decode, the encoder's stream is read event by event and assembled by
 * the SDK's own ResponseStream, the non-streaming object parses, a function-call
 * round trip (the SDK sending back the output items and function_call_output)
 * decodes, and an in-stream failure surfaces as an SDK APIError.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import OpenAI, { APIError } from "openai";
import type { IrEvent } from "../../src/ir/stream.js";
import { decodeResponsesRequest } from "../../src/protocols/openai-responses/decode.js";
import { encodeResponse } from "../../src/protocols/openai-responses/encode.js";
import { ResponsesStreamEncoder } from "../../src/protocols/openai-responses/stream.js";
import { responseEchoOf } from "../../src/protocols/openai-responses/wire.js";

const usage = {
  inputTokens: 50,
  cachedInputTokens: 20,
  cacheWriteTokens: 0,
  outputTokens: 30,
  reasoningTokens: 8,
};

/** What an Anthropic upstream answers: thinking, text, then two parallel tool calls with split arguments. */
const toolTurn: IrEvent[] = [
  { type: "start", id: "msg_01SDK", model: "claude-sonnet-4-5", created: 1_700_000_000 },
  { type: "thinking_delta", index: 0, choice: 0, text: "两个城市，" },
  { type: "thinking_delta", index: 0, choice: 0, text: "并行查。", signature: "EqQBsig" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "我来查一下" },
  { type: "text_delta", index: 1, choice: 0, text: "两地天气。" },
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "toolu_bj", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":' },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '"北京"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "tool_call_start", index: 3, choice: 0, id: "toolu_sh", name: "get_weather" },
  { type: "tool_call_delta", index: 3, choice: 0, argumentsJson: '{"city":"上海"}' },
  { type: "block_stop", index: 3, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
  { type: "usage", usage },
];

const expectedCalls = [
  { call_id: "toolu_bj", name: "get_weather", arguments: '{"city":"北京"}' },
  { call_id: "toolu_sh", name: "get_weather", arguments: '{"city":"上海"}' },
];

const request: OpenAI.Responses.ResponseCreateParamsNonStreaming = {
  model: "claude-sonnet-4-5",
  instructions: "你是天气助手。",
  input: [{ role: "user", content: "北京和上海天气？" }],
  tools: [
    {
      type: "function",
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      strict: false,
    },
  ],
  reasoning: { effort: "low", summary: "auto" },
  include: ["reasoning.encrypted_content"],
  store: false,
};

type Reply = (body: Record<string, unknown>) => { type: string; body: string };
const replies: Reply[] = [];
const sent: Record<string, unknown>[] = [];
let server: Server;
let client: OpenAI;

function sse(events: IrEvent[], body: Record<string, unknown>): string {
  const encoder = new ResponsesStreamEncoder({ echo: responseEchoOf(body) });
  return events.map((e) => encoder.push(e)).join("") + encoder.end();
}

const streamed: Reply = (body) => ({ type: "text/event-stream", body: sse(toolTurn, body) });

function callsOf(output: OpenAI.Responses.ResponseOutputItem[]) {
  return output
    .filter((item) => item.type === "function_call")
    .map(({ call_id, name, arguments: args }) => ({ call_id, name, arguments: args }));
}

function textOf(output: OpenAI.Responses.ResponseOutputItem[]): string {
  return output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .map((part) => (part.type === "output_text" ? part.text : ""))
    .join("");
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      sent.push(body);
      const reply = replies.shift();
      if (!reply || req.method !== "POST" || req.url !== "/v1/responses") {
        res.writeHead(500).end();
        return;
      }
      const { type, body: text } = reply(body);
      res.writeHead(200, { "content-type": type });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: "ovt_test", baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("with the official openai SDK", () => {
  it("sends a request the decoder accepts and reads the encoder's events", async () => {
    replies.push(streamed);
    const stream = await client.responses.create({ ...request, stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    const ir = decodeResponsesRequest(sent.at(-1));
    assert.equal(ir.stream, true);
    assert.deepEqual(ir.system, [{ type: "text", text: "你是天气助手。" }]);
    assert.deepEqual(ir.messages, [{ role: "user", content: [{ type: "text", text: "北京和上海天气？" }] }]);
    assert.equal(ir.tools[0]?.name, "get_weather");
    assert.deepEqual(ir.thinking, { type: "enabled", budgetTokens: 2048, display: "summarized" });

    assert.deepEqual(
      events.map((e) => e.sequence_number),
      events.map((_, n) => n),
    );
    assert.equal(events[0]?.type, "response.created");
    const text = events.map((e) => (e.type === "response.output_text.delta" ? e.delta : "")).join("");
    assert.equal(text, "我来查一下两地天气。");
    const summary = events.map((e) => (e.type === "response.reasoning_summary_text.delta" ? e.delta : ""));
    assert.equal(summary.join(""), "两个城市，并行查。");
    const doneCalls = events.flatMap((e) =>
      e.type === "response.output_item.done" && e.item.type === "function_call" ? [e.item] : [],
    );
    assert.deepEqual(callsOf(doneCalls), expectedCalls);
    const last = events.at(-1);
    assert.ok(last?.type === "response.completed");
    assert.equal(last.response.status, "completed");
    assert.equal((last.response as unknown as Record<string, unknown>).store, false);
    assert.deepEqual(last.response.usage, {
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 8 },
      total_tokens: 80,
    });
  });

  it("assembles the stream with the SDK's ResponseStream (snapshots and finalResponse)", async () => {
    replies.push(streamed);
    const runner = client.responses.stream({ ...request, stream: true });
    const snapshots: string[] = [];
    runner.on("response.output_text.delta", (e) => snapshots.push(e.snapshot));
    const args: string[] = [];
    runner.on("response.function_call_arguments.delta", (e) => args.push(e.snapshot));
    const final = await runner.finalResponse();
    assert.deepEqual(snapshots, ["我来查一下", "我来查一下两地天气。"]);
    assert.deepEqual(args, ['{"city":', '{"city":"北京"}', '{"city":"上海"}']);
    assert.equal(final.id, "resp_msg_01SDK");
    assert.equal(final.model, "claude-sonnet-4-5");
    assert.equal(final.created_at, 1_700_000_000);
    assert.equal(textOf(final.output), "我来查一下两地天气。");
    assert.deepEqual(callsOf(final.output), expectedCalls);
    assert.deepEqual(
      final.output.map((item) => item.type),
      ["reasoning", "message", "function_call", "function_call"],
    );
  });

  it("parses the non-streaming response, output_text included", async () => {
    replies.push((body) => ({
      type: "application/json",
      body: JSON.stringify(encodeResponse(toolTurn, { echo: responseEchoOf(body) })),
    }));
    const response = await client.responses.create(request);
    assert.equal(response.object, "response");
    assert.equal(response.status, "completed");
    assert.equal(response.output_text, "我来查一下两地天气。");
    assert.deepEqual(callsOf(response.output), expectedCalls);
    assert.equal(response.usage?.total_tokens, 80);
    assert.equal(response.usage?.input_tokens_details.cached_tokens, 20);
    assert.equal(response.instructions, "你是天气助手。");
  });

  it("sends back the output items and function_call_output, which decode to the round trip", async () => {
    replies.push((body) => ({
      type: "application/json",
      body: JSON.stringify(encodeResponse(toolTurn, { echo: responseEchoOf(body) })),
    }));
    const first = await client.responses.create(request);
    replies.push((body) => ({
      type: "application/json",
      body: JSON.stringify(
        encodeResponse(
          [
            { type: "start", id: "msg_02", model: "claude-sonnet-4-5" },
            { type: "text_delta", index: 0, choice: 0, text: "北京晴，上海小雨。" },
            { type: "finish", choice: 0, reason: "end_turn" },
          ],
          { echo: responseEchoOf(body) },
        ),
      ),
    }));
    const input: OpenAI.Responses.ResponseInputItem[] = [
      { role: "user", content: "北京和上海天气？" },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { type: "function_call_output", call_id: "toolu_bj", output: "晴" },
      { type: "function_call_output", call_id: "toolu_sh", output: "小雨" },
    ];
    const second = await client.responses.create({ ...request, input });
    assert.equal(second.output_text, "北京晴，上海小雨。");

    const ir = decodeResponsesRequest(sent.at(-1));
    assert.deepEqual(ir.messages.slice(1), [
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "两个城市，并行查。", signature: "EqQBsig" },
          { type: "text", text: "我来查一下两地天气。" },
          { type: "tool_use", id: "toolu_bj", name: "get_weather", input: { city: "北京" } },
          { type: "tool_use", id: "toolu_sh", name: "get_weather", input: { city: "上海" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "toolu_bj", content: [{ type: "text", text: "晴" }] },
          { type: "tool_result", toolUseId: "toolu_sh", content: [{ type: "text", text: "小雨" }] },
        ],
      },
    ]);
  });

  it("surfaces an in-stream failure as an SDK APIError", async () => {
    const cut: Reply = () => {
      const encoder = new ResponsesStreamEncoder({ provider: "anthropic" });
      let body = toolTurn
        .slice(0, 6)
        .map((e) => encoder.push(e))
        .join("");
      body += encoder.end(); // "" — not finished
      assert.ok(encoder.failure);
      body += encoder.error(encoder.failure);
      return { type: "text/event-stream", body };
    };
    const isDisconnect = (err: unknown) =>
      err instanceof APIError &&
      /closed the stream before it finished/.test(err.message) &&
      err.code === "upstream_disconnected" &&
      err.type === "server_error";

    replies.push(cut);
    const stream = await client.responses.create({ ...request, stream: true });
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const event of stream) seen.push(event.type);
    }, isDisconnect);
    assert.ok(seen.includes("response.output_text.delta"));
    assert.ok(!seen.includes("response.completed"));

    replies.push(cut);
    await assert.rejects(client.responses.stream({ ...request, stream: true }).finalResponse(), isDisconnect);
  });
});
