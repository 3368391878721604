/**
 * The official @google/genai client against the Gemini codec, over real HTTP
 * on 127.0.0.1: the requests it sends (URL, query, headers, body) decode, and
 * the encoders' JSON and SSE output assemble into the intended text, thoughts
 * and function calls — including a chat's function-calling round trip and an
 * in-stream error surfacing as an ApiError.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ApiError, GoogleGenAI } from "@google/genai";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { geminiCodecFor } from "../../src/protocols/gemini/codec.js";
import { encodeGenerateContentResponse } from "../../src/protocols/gemini/encode.js";
import { GenerateContentStreamEncoder } from "../../src/protocols/gemini/stream.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}
type Reply = { status?: number; type: string; body: string };

const usage = {
  inputTokens: 20,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 9,
  reasoningTokens: 3,
};

const toolTurn: IrEvent[] = [
  { type: "start", id: "chatcmpl-9", model: "deepseek-reasoner" },
  { type: "thinking_delta", index: 0, choice: 0, text: "需要查天气" },
  { type: "thinking_delta", index: 0, choice: 0, text: "", signature: "EqQBsig==" },
  { type: "block_stop", index: 0, choice: 0 },
  { type: "text_delta", index: 1, choice: 0, text: "我来查一下。" },
  { type: "tool_call_start", index: 2, choice: 0, id: "call_abc", name: "get_weather" },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '{"city":"北' },
  { type: "tool_call_delta", index: 2, choice: 0, argumentsJson: '京"}' },
  { type: "block_stop", index: 2, choice: 0 },
  { type: "finish", choice: 0, reason: "tool_use" },
  { type: "usage", usage },
];
const answerTurn: IrEvent[] = [
  { type: "start", id: "chatcmpl-10", model: "deepseek-reasoner" },
  { type: "text_delta", index: 0, choice: 0, text: "北京今天" },
  { type: "text_delta", index: 0, choice: 0, text: "晴，21°C。" },
  { type: "finish", choice: 0, reason: "end_turn" },
  { type: "usage", usage },
];

function sse(events: IrEvent[]): Reply {
  const encoder = new GenerateContentStreamEncoder({ sse: true });
  return { type: "text/event-stream", body: events.map((e) => encoder.push(e)).join("") + encoder.end() };
}
function json(events: IrEvent[]): Reply {
  return { type: "application/json", body: JSON.stringify(encodeGenerateContentResponse(events)) };
}

describe("with the official @google/genai client", () => {
  const seen: Seen[] = [];
  const replies: Reply[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      raw += c;
    });
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(raw),
      });
      const reply = replies.shift() ?? { status: 500, type: "text/plain", body: "no reply queued" };
      res.writeHead(reply.status ?? 200, { "content-type": reply.type });
      res.end(reply.body);
    });
  });
  let ai: GoogleGenAI;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    ai = new GoogleGenAI({ apiKey: "ovt_test_key", httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
  });
  after(() => server.close());

  it("generateContent: sends x-goog-api-key to /v1beta/models/{model}:generateContent and reads the body", async () => {
    seen.length = 0;
    replies.push(json(toolTurn));
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "北京天气？",
      config: {
        systemInstruction: "简短",
        thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
        tools: [
          { functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object" } }] },
        ],
      },
    });
    const request = seen[0]!;
    assert.equal(request.method, "POST");
    assert.equal(request.url, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert.equal(request.headers["x-goog-api-key"], "ovt_test_key");
    assert.equal(request.headers.authorization, undefined);
    assert.match(String(request.headers["x-goog-api-client"]), /^google-genai-sdk\/2\.32\.0 gl-node\//);
    assert.equal(request.headers["content-type"], "application/json");

    const ir = geminiCodecFor("gemini-2.5-flash", false).parse(request.body, request.headers).ir();
    assert.deepEqual(ir.system, [{ type: "text", text: "简短" }]);
    assert.deepEqual(ir.messages, [{ role: "user", content: [{ type: "text", text: "北京天气？" }] }]);
    assert.deepEqual(ir.thinking, { type: "enabled", budgetTokens: 1024, display: "summarized" });
    assert.deepEqual(ir.tools, [{ name: "get_weather", inputSchema: { type: "object" } }]);

    assert.equal(response.text, "我来查一下。");
    assert.deepEqual(response.functionCalls, [
      { name: "get_weather", args: { city: "北京" }, id: "call_abc" },
    ]);
    assert.equal(response.candidates?.[0]?.finishReason, "STOP");
    assert.deepEqual(response.candidates?.[0]?.content?.parts?.[0], {
      text: "需要查天气",
      thought: true,
      thoughtSignature: "EqQBsig==",
    });
    assert.deepEqual(response.usageMetadata, {
      promptTokenCount: 20,
      candidatesTokenCount: 6,
      totalTokenCount: 29,
      thoughtsTokenCount: 3,
    });
    assert.equal(response.modelVersion, "deepseek-reasoner");
    assert.equal(response.responseId, "chatcmpl-9");
  });

  it("generateContentStream: asks for ?alt=sse and assembles text and whole function calls", async () => {
    seen.length = 0;
    replies.push(sse(toolTurn));
    const stream = await ai.models.generateContentStream({
      model: "models/gemini-2.5-pro",
      contents: "北京天气？",
    });
    let text = "";
    const calls: unknown[] = [];
    let last: string | undefined;
    let usageSeen: unknown;
    for await (const chunk of stream) {
      if (!chunk.functionCalls) text += chunk.text ?? ""; // .text warns on chunks holding calls
      calls.push(...(chunk.functionCalls ?? []));
      last = chunk.candidates?.[0]?.finishReason ?? last;
      usageSeen = chunk.usageMetadata ?? usageSeen;
    }
    assert.equal(seen[0]?.url, "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    assert.equal(seen[0]?.headers["x-goog-api-key"], "ovt_test_key");
    assert.equal(text, "我来查一下。");
    assert.deepEqual(calls, [{ name: "get_weather", args: { city: "北京" }, id: "call_abc" }]);
    assert.equal(last, "STOP");
    assert.deepEqual(usageSeen, {
      promptTokenCount: 20,
      candidatesTokenCount: 6,
      totalTokenCount: 29,
      thoughtsTokenCount: 3,
    });
  });

  it("a chat keeps the streamed turn in its history and sends the function response back tied to the call", async () => {
    seen.length = 0;
    replies.push(sse(toolTurn), sse(answerTurn));
    const chat = ai.chats.create({
      model: "gemini-2.5-flash",
      config: { tools: [{ functionDeclarations: [{ name: "get_weather" }] }] },
    });
    const calls: Array<{ name?: string; id?: string }> = [];
    for await (const chunk of await chat.sendMessageStream({ message: "北京天气？" }))
      calls.push(...(chunk.functionCalls ?? []));
    assert.equal(calls[0]?.id, "call_abc");
    let answer = "";
    const reply = await chat.sendMessageStream({
      message: [
        { functionResponse: { id: calls[0]?.id, name: "get_weather", response: { output: "晴 21°C" } } },
      ],
    });
    for await (const chunk of reply) answer += chunk.text ?? "";
    assert.equal(answer, "北京今天晴，21°C。");

    const ir = geminiCodecFor("gemini-2.5-flash", true).parse(seen[1]?.body, {}).ir();
    assert.deepEqual(
      ir.messages.map((m) => [m.role, m.content.map((b) => (b.type === "text" ? `text:${b.text}` : b.type))]),
      [
        ["user", ["text:北京天气？"]],
        ["assistant", ["thinking", "text:我来查一下。", "tool_use"]],
        ["user", ["tool_result"]],
      ],
    );
    // The thinking signature survives the SDK's history (streamed as its own part) for the upstream to verify.
    assert.deepEqual(ir.messages[1]!.content[0], {
      type: "thinking",
      thinking: "需要查天气",
      signature: "EqQBsig==",
    });
    const [use] = ir.messages[1]!.content.filter((b) => b.type === "tool_use");
    const [result] = ir.messages[2]!.content;
    assert.deepEqual(use, { type: "tool_use", id: "call_abc", name: "get_weather", input: { city: "北京" } });
    assert.deepEqual(result, {
      type: "tool_result",
      toolUseId: "call_abc",
      content: [{ type: "text", text: "晴 21°C" }],
    });
  });

  it("surfaces the in-stream error event as an ApiError with the envelope's code", async () => {
    const encoder = new GenerateContentStreamEncoder({ sse: true, requestId: "req_e" });
    const body =
      encoder.push({ type: "start", id: "x", model: "m" }) +
      encoder.push({ type: "text_delta", index: 0, choice: 0, text: "半" }) +
      encoder.error(new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: "up" }));
    replies.push({ type: "text/event-stream", body });
    const stream = await ai.models.generateContentStream({ model: "m", contents: "x" });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
      (err: unknown) =>
        err instanceof ApiError &&
        err.status === 502 &&
        /closed the stream before it finished/.test(err.message),
    );
  });

  it("surfaces an error response as an ApiError with status and Google's envelope", async () => {
    const codec = geminiCodecFor("m", false);
    const rendered = codec.errors.renderError(new OvertError("OVT_ERR_AUTH_INVALID_KEY"), "req_x");
    replies.push({ status: rendered.status, type: "application/json", body: rendered.body });
    await assert.rejects(ai.models.generateContent({ model: "m", contents: "x" }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 401);
      assert.match(err.message, /"status":"UNAUTHENTICATED"/);
      return true;
    });
  });
});
