/**
 * The official `openai` SDK against the OpenAI Chat Completions codec, over a
 * real HTTP connection (node:http on 127.0.0.1): the request it sends decodes,
 * the encoder's stream assembles into the intended message (both through the
 * raw chunk iterator and the SDK's own accumulator), the non-streaming object
 * parses, and an in-stream error surfaces as an SDK error.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import OpenAI, { APIError } from "openai";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { decodeChatRequest } from "../../src/protocols/openai-chat/decode.js";
import { encodeChatCompletion } from "../../src/protocols/openai-chat/encode.js";
import { ChatCompletionsStreamEncoder } from "../../src/protocols/openai-chat/stream.js";
import { validateChatRequest } from "../../src/protocols/openai-chat/validate.js";

const usage = {
  inputTokens: 50,
  cachedInputTokens: 20,
  cacheWriteTokens: 0,
  outputTokens: 30,
  reasoningTokens: 0,
};

/** What an Anthropic upstream answers: text, then two parallel tool calls with split arguments. */
const toolTurn: IrEvent[] = [
  { type: "start", id: "msg_01SDK", model: "claude-sonnet-4-5" },
  { type: "text_delta", index: 0, choice: 0, text: "我来查一下" },
  { type: "text_delta", index: 0, choice: 0, text: "两地天气。" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "tool_call_start", index: 1, choice: 0, id: "toolu_bj", name: "get_weather" },
  { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '{"city":' },
  { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '"北京"}' },
  { type: "block_stop", index: 1, choice: 0 },
  { type: "tool_call_start", index: 2, choice: 0, id: "toolu_sh", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":"上海"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use", rawReason: "tool_use" },
  { type: "usage", usage },
];

const expectedCalls = [
  { id: "toolu_bj", type: "function", function: { name: "get_weather", arguments: '{"city":"北京"}' } },
  { id: "toolu_sh", type: "function", function: { name: "get_weather", arguments: '{"city":"上海"}' } },
];

const request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
  model: "claude-sonnet-4-5",
  messages: [
    { role: "system", content: "你是天气助手。" },
    { role: "user", content: "北京和上海天气？" },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    },
  ],
};

/** Each request gets the next prepared response; the bodies the SDK sent are kept. */
const replies: ((body: Record<string, unknown>) => { type: string; body: string })[] = [];
const sent: Record<string, unknown>[] = [];
let server: Server;
let client: OpenAI;

function sse(events: IrEvent[], includeUsage: boolean): string {
  const encoder = new ChatCompletionsStreamEncoder({ includeUsage, created: 1_700_000_000 });
  return events.map((e) => encoder.push(e)).join("") + encoder.end();
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      sent.push(body);
      const reply = replies.shift();
      if (!reply || req.url !== "/v1/chat/completions") {
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
  it("sends a request the decoder accepts and reads the encoder's chunks", async () => {
    replies.push((body) => {
      const options = body.stream_options as { include_usage?: boolean } | undefined;
      return { type: "text/event-stream", body: sse(toolTurn, options?.include_usage === true) };
    });
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const ir = decodeChatRequest(validateChatRequest(sent.at(-1)));
    assert.equal(ir.stream, true);
    assert.deepEqual(ir.system, [{ type: "text", text: "你是天气助手。" }]);
    assert.deepEqual(ir.messages, [{ role: "user", content: [{ type: "text", text: "北京和上海天气？" }] }]);
    assert.deepEqual(ir.tools[0]?.name, "get_weather");

    assert.ok(chunks.every((c) => c.id === "chatcmpl-msg_01SDK" && c.object === "chat.completion.chunk"));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, "我来查一下两地天气。");
    const args = new Map<number, string>();
    for (const c of chunks) {
      for (const call of c.choices[0]?.delta.tool_calls ?? []) {
        args.set(call.index, (args.get(call.index) ?? "") + (call.function?.arguments ?? ""));
      }
    }
    assert.deepEqual(
      [...args.entries()],
      [
        [0, '{"city":"北京"}'],
        [1, '{"city":"上海"}'],
      ],
    );
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, {
      prompt_tokens: 50,
      completion_tokens: 30,
      total_tokens: 80,
      prompt_tokens_details: { cached_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
  });

  it("assembles the stream into the intended message with the SDK's accumulator", async () => {
    replies.push(() => ({ type: "text/event-stream", body: sse(toolTurn, false) }));
    const completion = await client.chat.completions
      .stream({ ...request, stream: true })
      .finalChatCompletion();
    assert.equal(completion.id, "chatcmpl-msg_01SDK");
    assert.equal(completion.model, "claude-sonnet-4-5");
    assert.equal(completion.created, 1_700_000_000);
    const choice = completion.choices[0];
    assert.equal(choice?.finish_reason, "tool_calls");
    assert.equal(choice?.message.role, "assistant");
    assert.equal(choice?.message.content, "我来查一下两地天气。");
    assert.equal(choice?.message.refusal, null);
    assert.deepEqual(choice?.message.tool_calls, expectedCalls);
  });

  it("parses the non-streaming chat.completion", async () => {
    replies.push(() => ({
      type: "application/json",
      body: JSON.stringify(encodeChatCompletion(toolTurn, { created: 1_700_000_000 })),
    }));
    const completion = await client.chat.completions.create(request);
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.choices[0]?.message.content, "我来查一下两地天气。");
    assert.deepEqual(completion.choices[0]?.message.tool_calls, expectedCalls);
    assert.equal(completion.usage?.total_tokens, 80);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 20);
  });

  it("surfaces the in-stream error as an SDK APIError", async () => {
    replies.push(() => {
      const encoder = new ChatCompletionsStreamEncoder({ includeUsage: false, provider: "anthropic" });
      let body = encoder.push({ type: "start", id: "msg_e", model: "m" });
      body += encoder.push({ type: "text_delta", index: 0, choice: 0, text: "par" });
      body += encoder.end(); // "" — not finished
      body += encoder.error(encoder.failure ?? new OvertError("OVT_ERR_RELAY_INTERNAL"));
      return { type: "text/event-stream", body };
    });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
      (err: unknown) =>
        err instanceof APIError &&
        /closed the stream before it finished/.test(err.message) &&
        err.code === "upstream_disconnected",
    );
  });
});
