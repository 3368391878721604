/**
 * Gemini API codec, requests: what @google/genai, Gemini CLI and curl send
 * decodes into exact IR requests (model from the URL, both JSON spellings,
 * function-call ids, thought signatures, media, settings).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import { geminiCodecFor } from "../../src/protocols/gemini/codec.js";
import { decodeGenerateContentRequest } from "../../src/protocols/gemini/decode.js";

const user = (...parts: unknown[]) => ({ role: "user", parts });
const model = (...parts: unknown[]) => ({ role: "model", parts });

describe("decodeGenerateContentRequest", () => {
  it("maps the request @google/genai sends for generateContent (exact IR)", () => {
    const ir = decodeGenerateContentRequest(
      "gemini-2.5-flash",
      {
        contents: [{ parts: [{ text: "你好，世界" }], role: "user" }],
        systemInstruction: { parts: [{ text: "简短回答" }], role: "user" },
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
        tools: [
          {
            functionDeclarations: [
              {
                name: "get_weather",
                description: "天气",
                parameters: {
                  type: "OBJECT",
                  properties: { city: { type: "STRING", nullable: true }, days: { type: "INTEGER" } },
                  required: ["city"],
                  propertyOrdering: ["city", "days"],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { allowedFunctionNames: ["get_weather"], mode: "ANY" } },
        generationConfig: {
          temperature: 0.5,
          topP: 0.9,
          topK: 40,
          maxOutputTokens: 100,
          stopSequences: ["END"],
          candidateCount: 2,
          seed: 7,
          presencePenalty: 0.5,
          thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
        },
      },
      false,
    );
    assert.deepEqual(ir, {
      model: "gemini-2.5-flash",
      system: [{ type: "text", text: "简短回答" }],
      messages: [{ role: "user", content: [{ type: "text", text: "你好，世界" }] }],
      tools: [
        {
          name: "get_weather",
          description: "天气",
          inputSchema: {
            type: "object",
            properties: { city: { type: ["string", "null"] }, days: { type: "integer" } },
            required: ["city"],
            propertyOrdering: ["city", "days"],
          },
        },
      ],
      stop: ["END"],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      n: 2,
      seed: 7,
      thinking: { type: "enabled", budgetTokens: 512, display: "summarized" },
      toolChoice: { type: "tool", name: "get_weather" },
      stream: false,
      dialect: "gemini",
      extensions: {
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
        "generationConfig.presencePenalty": 0.5,
      },
    });
  });

  it("reads proto field names too (Google's curl samples) and strips models/", () => {
    const ir = decodeGenerateContentRequest(
      "models/gemini-2.5-pro",
      {
        system_instruction: { parts: [{ text: "sys" }] },
        contents: [
          {
            parts: [
              { inline_data: { mime_type: "image/png", data: "iVBORw0KGgo=" } },
              { text: "这是什么？" },
            ],
          },
        ],
        generation_config: {
          max_output_tokens: 64,
          response_mime_type: "application/json",
          thinking_config: { thinking_budget: 0 },
        },
      },
      true,
    );
    assert.equal(ir.model, "gemini-2.5-pro");
    assert.equal(ir.stream, true);
    assert.deepEqual(ir.system, [{ type: "text", text: "sys" }]);
    assert.deepEqual(ir.messages, [
      {
        role: "user",
        content: [
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
          { type: "text", text: "这是什么？" },
        ],
      },
    ]);
    assert.equal(ir.maxOutputTokens, 64);
    assert.deepEqual(ir.responseFormat, { type: "json_object" });
    assert.deepEqual(ir.thinking, { type: "disabled" });
    assert.deepEqual(ir.extensions, {});
  });

  it("maps media: PDF and text inline data, image and PDF URLs, function response images", () => {
    const ir = decodeGenerateContentRequest(
      "m",
      {
        contents: [
          user(
            { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
            { inlineData: { mimeType: "text/plain", data: Buffer.from("纯文本").toString("base64") } },
            { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/a.jpg" } },
            {
              fileData: {
                mimeType: "application/pdf",
                fileUri: "https://example.com/r.pdf",
                displayName: "报告",
              },
            },
          ),
          model({ functionCall: { name: "shot", args: {} } }),
          user({
            functionResponse: {
              name: "shot",
              response: { output: "done" },
              parts: [{ inlineData: { mimeType: "image/webp", data: "UklGRg==" } }],
            },
          }),
        ],
      },
      false,
    );
    assert.deepEqual(ir.messages[0]?.content, [
      { type: "document", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" } },
      { type: "document", source: { kind: "text", text: "纯文本" } },
      { type: "image", source: { kind: "url", url: "https://example.com/a.jpg" } },
      { type: "document", source: { kind: "url", url: "https://example.com/r.pdf" }, title: "报告" },
    ]);
    assert.deepEqual(ir.messages[2]?.content, [
      {
        type: "tool_result",
        toolUseId: "call_0",
        content: [
          { type: "text", text: "done" },
          { type: "image", source: { kind: "base64", mediaType: "image/webp", data: "UklGRg==" } },
        ],
      },
    ]);
  });

  it("maps response formats, tool choices, thinking variants and parametersJsonSchema", () => {
    const decode = (generationConfig: unknown, extra: Record<string, unknown> = {}) =>
      decodeGenerateContentRequest(
        "m",
        { contents: [user({ text: "x" })], generationConfig, ...extra },
        false,
      );
    assert.deepEqual(
      decode({
        responseMimeType: "application/json",
        responseSchema: { type: "ARRAY", items: { type: "STRING" }, maxItems: "3" },
      }).responseFormat,
      {
        type: "json_schema",
        name: "response",
        schema: { type: "array", items: { type: "string" }, maxItems: 3 },
      },
    );
    const jsonSchema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    assert.deepEqual(
      decode({ responseMimeType: "application/json", responseJsonSchema: jsonSchema }).responseFormat,
      {
        type: "json_schema",
        name: "response",
        schema: jsonSchema,
      },
    );
    assert.deepEqual(decode({ responseMimeType: "text/plain" }).responseFormat, { type: "text" });
    assert.deepEqual(decode({ thinkingConfig: { thinkingBudget: -1 } }).thinking, {
      type: "adaptive",
      display: "omitted",
    });
    const level = decode({ thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } });
    assert.deepEqual(level.thinking, { type: "adaptive", display: "summarized" });
    assert.deepEqual(level.extensions, { "generationConfig.thinkingConfig.thinkingLevel": "HIGH" });
    assert.deepEqual(decode({ responseLogprobs: true, logprobs: 3 }), {
      ...decode({}),
      logprobs: true,
      topLogprobs: 3,
    });

    const tools = [
      {
        functionDeclarations: [
          { name: "a", parametersJsonSchema: jsonSchema, response: { type: "STRING" } },
          { name: "b" },
        ],
      },
    ];
    const choice = (functionCallingConfig: unknown) =>
      decode(undefined, { tools, toolConfig: { functionCallingConfig } }).toolChoice;
    assert.deepEqual(choice({ mode: "AUTO" }), { type: "auto" });
    assert.deepEqual(choice({ mode: "NONE" }), { type: "none" });
    assert.deepEqual(choice({ mode: "ANY" }), { type: "required" });
    assert.deepEqual(choice({ mode: "ANY", allowedFunctionNames: ["b", "a"] }), { type: "required" });
    const withTools = decode(undefined, { tools });
    assert.deepEqual(withTools.tools, [
      { name: "a", inputSchema: jsonSchema },
      { name: "b", inputSchema: { type: "object", properties: {} } },
    ]);
    assert.deepEqual(withTools.extensions, {
      "tools[0].functionDeclarations[0].response": { type: "STRING" },
    });
  });
});

describe("geminiCodecFor", () => {
  it("takes model and streaming from the route, settings from the body", () => {
    const parsed = geminiCodecFor("models/gemini-2.5-flash", true).parse(
      { contents: [user({ text: "x" })], generationConfig: { candidateCount: 3, maxOutputTokens: 9 } },
      {},
    );
    assert.equal(parsed.dialect, "gemini");
    assert.equal(parsed.model, "gemini-2.5-flash");
    assert.equal(parsed.stream, true);
    assert.equal(parsed.n, 3);
    assert.equal(parsed.maxOutputTokens, 9);
    assert.equal(parsed.clientWantsUsage, true);
    assert.deepEqual(parsed.forwardHeaders, {});
    assert.equal(parsed.ir().model, "gemini-2.5-flash");
    assert.equal(geminiCodecFor("m", false).errors.name, "gemini");
  });

  it("answers a malformed body at once but keeps a translation refusal for ir() (passthrough stays possible)", () => {
    const codec = geminiCodecFor("gemini-2.5-flash", false);
    assert.throws(() => codec.parse({ contents: [] }, {}), { errorName: "OVT_ERR_REQ_INVALID_FIELD" });
    const parsed = codec.parse(
      {
        contents: [user({ text: "search" })],
        tools: [{ googleSearch: {} }],
        generationConfig: { maxOutputTokens: 50 },
      },
      {},
    );
    assert.equal(parsed.maxOutputTokens, 50);
    assert.equal(parsed.n, 1);
    assert.throws(
      () => parsed.ir(),
      (err: unknown) =>
        err instanceof OvertError &&
        err.errorName === "OVT_ERR_TRANSLATE_UNSUPPORTED" &&
        err.param === "tools[0].googleSearch",
    );
  });
});
