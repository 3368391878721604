/**
 * OpenAI Responses codec, request side: decodeResponsesRequest maps what Codex
 * CLI and the SDKs send (instructions, message / reasoning / function_call /
 * function_call_output items, function tools, reasoning, text.format) into the
 * IR. Validation, refusals, parse() and the error envelopes:
 * responses-codec-refusals.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrRequest } from "../../src/ir/request.js";
import { decodeResponsesRequest } from "../../src/protocols/openai-responses/decode.js";
import { sealSignature } from "../../src/protocols/openai-responses/wire.js";

const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "查询城市天气",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

/** A Codex-shaped turn: the model called two tools in parallel, the client ran them. */
const codexTurn = {
  model: "claude-sonnet-4-5",
  instructions: "你是编程助手。",
  input: [
    {
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "<permissions>只读</permissions>" }],
    },
    {
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "北京和上海天气？" },
        { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
      ],
    },
    {
      type: "reasoning",
      summary: [{ type: "summary_text", text: "需要并行查询两地。" }],
      encrypted_content: sealSignature("EqQBCgIYAh"),
    },
    {
      type: "message",
      role: "assistant",
      id: "msg_resp_1_1",
      status: "completed",
      content: [{ type: "output_text", text: "我来查一下。", annotations: [], logprobs: [] }],
    },
    {
      type: "function_call",
      id: "fc_1",
      call_id: "toolu_bj",
      name: "get_weather",
      arguments: '{"city":"北京"}',
    },
    {
      type: "function_call",
      call_id: "toolu_sh",
      name: "get_weather",
      arguments: '{"city":"上海"}',
      status: "completed",
    },
    { type: "function_call_output", call_id: "toolu_bj", output: "晴，25°C" },
    {
      type: "function_call_output",
      call_id: "toolu_sh",
      output: [{ type: "input_text", text: "小雨，18°C" }],
    },
    { role: "user", content: "谢谢，总结一下。" },
  ],
  tools: [weatherTool],
  tool_choice: "auto",
  parallel_tool_calls: true,
  reasoning: { effort: "medium", summary: "auto" },
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "session-42",
  text: { verbosity: "low" },
};

describe("decodeResponsesRequest", () => {
  it("decodes a Codex tool-call round trip (function_call + function_call_output items)", () => {
    const expected: IrRequest = {
      model: "claude-sonnet-4-5",
      system: [
        { type: "text", text: "你是编程助手。" },
        { type: "text", text: "<permissions>只读</permissions>" },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "北京和上海天气？" },
            {
              type: "image",
              source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" },
              detail: "low",
            },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "需要并行查询两地。", signature: "EqQBCgIYAh" },
            { type: "text", text: "我来查一下。" },
            { type: "tool_use", id: "toolu_bj", name: "get_weather", input: { city: "北京" } },
            { type: "tool_use", id: "toolu_sh", name: "get_weather", input: { city: "上海" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", toolUseId: "toolu_bj", content: [{ type: "text", text: "晴，25°C" }] },
            { type: "tool_result", toolUseId: "toolu_sh", content: [{ type: "text", text: "小雨，18°C" }] },
          ],
        },
        { role: "user", content: [{ type: "text", text: "谢谢，总结一下。" }] },
      ],
      tools: [
        {
          name: "get_weather",
          description: "查询城市天气",
          inputSchema: weatherTool.parameters,
          strict: false,
        },
      ],
      toolChoice: { type: "auto" },
      parallelToolCalls: true,
      stop: [],
      stream: true,
      thinking: { type: "enabled", budgetTokens: 8192, display: "summarized" },
      dialect: "openai-responses",
      extensions: { prompt_cache_key: "session-42", "text.verbosity": "low" },
    };
    assert.deepEqual(decodeResponsesRequest(codexTurn), expected);
  });

  it("takes a string input as one user message and maps the sampling and format settings", () => {
    const ir = decodeResponsesRequest({
      model: "m",
      input: "用一句话介绍你自己",
      max_output_tokens: 3000,
      temperature: 0.2,
      top_p: 0.9,
      user: "u-1",
      metadata: { team: "a" },
      reasoning: { effort: "high" },
      text: {
        format: {
          type: "json_schema",
          name: "intro",
          description: "一句话",
          schema: { type: "object" },
          strict: true,
        },
      },
    });
    assert.deepEqual(ir.messages, [
      { role: "user", content: [{ type: "text", text: "用一句话介绍你自己" }] },
    ]);
    assert.deepEqual(ir.system, []);
    assert.equal(ir.maxOutputTokens, 3000);
    assert.equal(ir.temperature, 0.2);
    assert.equal(ir.topP, 0.9);
    assert.equal(ir.user, "u-1");
    assert.equal(ir.stream, false);
    assert.deepEqual(ir.thinking, { type: "enabled", budgetTokens: 1500 }); // half of max_output_tokens
    assert.deepEqual(ir.responseFormat, {
      type: "json_schema",
      name: "intro",
      schema: { type: "object" },
      strict: true,
    });
    assert.deepEqual(ir.extensions, { metadata: { team: "a" }, "text.format.description": "一句话" });
  });

  it("maps effort none, summaries without thinking, json_object and safety_identifier", () => {
    const ir = decodeResponsesRequest({
      model: "m",
      input: "hi",
      reasoning: { effort: "none", summary: "detailed" },
      text: { format: { type: "json_object" } },
      safety_identifier: "hash-9",
      truncation: "auto",
      include: ["reasoning.encrypted_content", "message.output_text.logprobs"],
      stream_options: { include_obfuscation: false },
    });
    assert.deepEqual(ir.thinking, { type: "disabled" });
    assert.deepEqual(ir.responseFormat, { type: "json_object" });
    assert.equal(ir.user, "hash-9");
    assert.deepEqual(ir.extensions, {
      "reasoning.summary": "detailed",
      truncation: "auto",
      include: ["message.output_text.logprobs"],
    });
  });

  it("keeps OpenAI's own encrypted reasoning and raw reasoning content in extensions", () => {
    const ir = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "user", content: "q" },
        {
          type: "reasoning",
          id: "rs_1",
          summary: [],
          content: [{ type: "reasoning_text", text: "raw" }],
          encrypted_content: "gAAAAABfernet",
        },
        {
          type: "reasoning",
          summary: [
            { type: "summary_text", text: "a" },
            { type: "summary_text", text: "b" },
          ],
        },
        { role: "assistant", content: "answer" },
      ],
    });
    assert.deepEqual(ir.messages[1], {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "a\n\nb" },
        { type: "text", text: "answer" },
      ],
    });
    assert.deepEqual(ir.extensions, {
      "input[1].content": [{ type: "reasoning_text", text: "raw" }],
      "input[1].encrypted_content": "gAAAAABfernet",
    });
  });

  it("keeps a later system or developer message in place", () => {
    const ir = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "user", content: "a" },
        { role: "developer", content: "be brief" },
        { role: "user", content: [{ type: "input_image", image_url: "https://example.com/cat.png" }] },
      ],
    });
    assert.deepEqual(ir.system, []);
    assert.deepEqual(
      ir.messages.map((m) => m.role),
      ["user", "developer", "user"],
    );
    assert.deepEqual(ir.messages[2]?.content, [
      { type: "image", source: { kind: "url", url: "https://example.com/cat.png" } },
    ]);
  });
});
