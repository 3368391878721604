/**
 * IR → Gemini generateContent request, contents: golden bodies and
 * transformation lists (src/upstreams/gemini/translate-{request,contents,parts}.ts).
 * Settings, refusals, the adapter and the descriptor: gemini-upstream-config.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrRequest } from "../../src/ir/request.js";
import { encodeGenerateContentRequest } from "../../src/upstreams/gemini/translate-request.js";

function ir(fields: Partial<IrRequest>): IrRequest {
  return {
    model: "m",
    system: [],
    messages: [],
    tools: [],
    stop: [],
    stream: false,
    extensions: {},
    ...fields,
  };
}

const weather = {
  name: "get_weather",
  description: "查询城市天气",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("Gemini request translation", () => {
  it("Chinese text, system prompt and sampling settings", () => {
    const out = encodeGenerateContentRequest(
      ir({
        system: [{ type: "text", text: "你是一个简洁的助手。" }],
        messages: [{ role: "user", content: [{ type: "text", text: "你好，请介绍一下北京。" }] }],
        temperature: 0.7,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 256,
        stop: ["。。"],
        seed: 42,
        n: 2,
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out, {
      body: {
        contents: [{ role: "user", parts: [{ text: "你好，请介绍一下北京。" }] }],
        systemInstruction: { parts: [{ text: "你是一个简洁的助手。" }] },
        generationConfig: {
          temperature: 0.7,
          topP: 0.9,
          topK: 40,
          maxOutputTokens: 256,
          stopSequences: ["。。"],
          candidateCount: 2,
          seed: 42,
        },
      },
      transformations: [],
    });
  });

  it("a function-call round trip from an OpenAI client: ids kept, name recovered, placeholder signature", () => {
    const out = encodeGenerateContentRequest(
      ir({
        dialect: "openai-chat",
        messages: [
          { role: "user", content: [{ type: "text", text: "北京天气怎么样？" }] },
          {
            role: "assistant",
            content: [
              { type: "text", text: "我来查一下。" },
              { type: "tool_use", id: "call_abc", name: "get_weather", input: '{"city":"北京"}' },
              { type: "tool_use", id: "call_def", name: "get_weather", input: { city: "上海" } },
            ],
          },
          {
            role: "tool",
            content: [
              { type: "tool_result", toolUseId: "call_abc", content: [{ type: "text", text: "晴，21°C" }] },
            ],
          },
          {
            role: "tool",
            content: [
              { type: "tool_result", toolUseId: "call_def", content: [{ type: "text", text: "小雨" }] },
            ],
          },
        ],
        tools: [weather],
        toolChoice: { type: "tool", name: "get_weather" },
        parallelToolCalls: true,
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out.body, {
      contents: [
        { role: "user", parts: [{ text: "北京天气怎么样？" }] },
        {
          role: "model",
          parts: [
            { text: "我来查一下。" },
            {
              functionCall: { id: "call_abc", name: "get_weather", args: { city: "北京" } },
              thoughtSignature: "skip_thought_signature_validator",
            },
            { functionCall: { id: "call_def", name: "get_weather", args: { city: "上海" } } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { id: "call_abc", name: "get_weather", response: { output: "晴，21°C" } } },
            { functionResponse: { id: "call_def", name: "get_weather", response: { output: "小雨" } } },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "查询城市天气",
              parametersJsonSchema: {
                type: "object",
                properties: { city: { type: "string" } },
                required: ["city"],
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
    });
    assert.deepEqual(out.transformations, [
      "merged:consecutive_user_messages",
      "inserted:thought_signature_placeholder",
      "dropped:parallel_tool_calls",
    ]);
  });

  it("Gemini's own thought signatures go back where they came from; unsigned thinking is dropped", () => {
    const out = encodeGenerateContentRequest(
      ir({
        dialect: "anthropic-messages",
        messages: [
          { role: "user", content: [{ type: "text", text: "先想一想" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "别的模型的推理" },
              { type: "redacted_thinking", data: "EmwKAhgB" },
              { type: "text", text: "好的。" },
            ],
          },
          { role: "user", content: [{ type: "text", text: "查北京天气" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "需要调用天气工具", signature: "c2lnLXRob3VnaHQ=" },
              { type: "thinking", thinking: "", signature: "c2lnLWNhbGw=" },
              { type: "tool_use", id: "call_x", name: "get_weather", input: { city: "北京" } },
            ],
          },
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                toolUseId: "call_x",
                isError: true,
                content: [{ type: "text", text: "超时" }],
              },
            ],
          },
        ],
        tools: [weather],
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out.body.contents, [
      { role: "user", parts: [{ text: "先想一想" }] },
      { role: "model", parts: [{ text: "好的。" }] },
      { role: "user", parts: [{ text: "查北京天气" }] },
      {
        role: "model",
        parts: [
          { text: "需要调用天气工具", thought: true, thoughtSignature: "c2lnLXRob3VnaHQ=" },
          {
            functionCall: { id: "call_x", name: "get_weather", args: { city: "北京" } },
            thoughtSignature: "c2lnLWNhbGw=",
          },
        ],
      },
      {
        role: "user",
        parts: [{ functionResponse: { id: "call_x", name: "get_weather", response: { error: "超时" } } }],
      },
    ]);
    assert.deepEqual(out.transformations, ["dropped:thinking_history", "dropped:redacted_thinking"]);
  });

  it("a signature with no following part rides on the previous one", () => {
    const out = encodeGenerateContentRequest(
      ir({
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          {
            role: "assistant",
            content: [
              { type: "text", text: "hello" },
              { type: "thinking", thinking: "", signature: "dGFpbA==" },
            ],
          },
          { role: "user", content: [{ type: "text", text: "again" }] },
        ],
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out.body.contents, [
      { role: "user", parts: [{ text: "hi" }] },
      { role: "model", parts: [{ text: "hello", thoughtSignature: "dGFpbA==" }] },
      { role: "user", parts: [{ text: "again" }] },
    ]);
    assert.deepEqual(out.transformations, []);
  });

  it("system and developer messages join the system instruction; empty text and names are dropped", () => {
    const out = encodeGenerateContentRequest(
      ir({
        system: [{ type: "text", text: "规则一" }],
        messages: [
          { role: "developer", content: [{ type: "text", text: "规则二" }] },
          { role: "user", content: [{ type: "text", text: "问题" }], name: "alice" },
          { role: "system", content: [{ type: "text", text: "规则三" }] },
          { role: "user", content: [{ type: "text", text: "" }] },
          { role: "user", content: [{ type: "text", text: "补充" }] },
        ],
        user: "end-user-1",
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out.body, {
      contents: [{ role: "user", parts: [{ text: "问题" }, { text: "补充" }] }],
      systemInstruction: { parts: [{ text: "规则一" }, { text: "规则二" }, { text: "规则三" }] },
    });
    assert.deepEqual(out.transformations, [
      "converted:developer_to_system",
      "dropped:message.name",
      "moved:system_message_to_system_instruction",
      "dropped:empty_text_block",
      "dropped:empty_message",
      "merged:consecutive_user_messages",
      "dropped:user",
    ]);
  });
});
