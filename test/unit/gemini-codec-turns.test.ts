/**
 * Gemini API codec, conversations: function-call ids tied across turns
 * (generated, explicit, Gemini CLI's invented ones), thought parts and their
 * signatures, and contents of one role joined into one message.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeGenerateContentRequest } from "../../src/protocols/gemini/decode.js";

const user = (...parts: unknown[]) => ({ role: "user", parts });
const model = (...parts: unknown[]) => ({ role: "model", parts });

describe("decodeGenerateContentRequest conversations", () => {
  it("ties function responses to calls: generated ids, explicit ids, Gemini CLI's invented ids", () => {
    const ir = decodeGenerateContentRequest(
      "m",
      {
        contents: [
          user({ text: "北京和上海的天气？" }),
          model(
            { functionCall: { name: "get_weather", args: { city: "北京" } }, thoughtSignature: "sig-g3" },
            { functionCall: { name: "get_weather", args: { city: "上海" } } },
            { functionCall: { name: "get_time", id: "call_0" } },
          ),
          user(
            // Gemini CLI sends ids it made up for calls that had none: they match nothing, order and name decide.
            {
              functionResponse: { name: "get_weather", id: "get_weather-1712-x", response: { output: "晴" } },
            },
            { functionResponse: { name: "get_time", id: "call_0", response: { output: { h: 9 } } } },
            { functionResponse: { name: "get_weather", response: { error: "超时" } } },
          ),
        ],
      },
      false,
    );
    assert.deepEqual(ir.messages, [
      { role: "user", content: [{ type: "text", text: "北京和上海的天气？" }] },
      {
        role: "assistant",
        content: [
          // call_0 is the client's own id, so generated ids skip it.
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "北京" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "上海" } },
          { type: "tool_use", id: "call_0", name: "get_time", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "call_1", content: [{ type: "text", text: "晴" }] },
          { type: "tool_result", toolUseId: "call_0", content: [{ type: "text", text: '{"h":9}' }] },
          {
            type: "tool_result",
            toolUseId: "call_2",
            content: [{ type: "text", text: "超时" }],
            isError: true,
          },
        ],
      },
    ]);
    assert.deepEqual(ir.extensions, { "contents[1].parts[0].thoughtSignature": "sig-g3" });
  });

  it("keeps upstream call ids it sent out, so a round trip ties results exactly", () => {
    const ir = decodeGenerateContentRequest(
      "m",
      {
        contents: [
          user({ text: "q" }),
          model({ functionCall: { name: "f", args: {}, id: "toolu_01A" } }),
          user({ functionResponse: { name: "f", id: "toolu_01A", response: { temp: 21, unit: "C" } } }),
        ],
      },
      false,
    );
    assert.deepEqual(ir.messages[2], {
      role: "user",
      content: [
        {
          type: "tool_result",
          toolUseId: "toolu_01A",
          content: [{ type: "text", text: '{"temp":21,"unit":"C"}' }],
        },
      ],
    });
  });

  it("merges streamed thought parts into thinking blocks closed by their signature", () => {
    const ir = decodeGenerateContentRequest(
      "m",
      {
        contents: [
          user({ text: "hi" }),
          model(
            { text: "先想", thought: true },
            { text: "一想", thought: true },
            { text: "", thought: true, thoughtSignature: "EqQBCkgIBxAB" },
            { text: "第二段", thought: true, thoughtSignature: "sig2" },
            { text: "答案" },
            { text: "" },
          ),
          user({ text: "ok" }),
        ],
      },
      false,
    );
    assert.deepEqual(ir.messages[1], {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "先想一想", signature: "EqQBCkgIBxAB" },
        { type: "thinking", thinking: "第二段", signature: "sig2" },
        { type: "text", text: "答案" },
      ],
    });
  });

  it("joins consecutive contents of one role (a chat records each streamed chunk) and adjacent text", () => {
    const ir = decodeGenerateContentRequest(
      "m",
      {
        contents: [
          user({ text: "问" }),
          model({ text: "思", thought: true }),
          model({ text: "考", thought: true }),
          model({ text: "北京" }),
          model({ text: "今天" }, { text: "晴" }),
          model({ functionCall: { name: "f", args: { a: 1 } } }),
          model({ text: "" }),
          user({ functionResponse: { name: "f", response: { output: "ok" } } }),
          user({ text: "继续" }),
          model({ text: "" }),
        ],
      },
      false,
    );
    assert.deepEqual(ir.messages, [
      { role: "user", content: [{ type: "text", text: "问" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "思考" },
          { type: "text", text: "北京今天晴" },
          { type: "tool_use", id: "call_0", name: "f", input: { a: 1 } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "call_0", content: [{ type: "text", text: "ok" }] },
          { type: "text", text: "继续" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "" }] },
    ]);
  });
});
