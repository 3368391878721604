/**
 * IR → Gemini generateContent request, media: images and documents as inline
 * data or file URLs, and tool results carrying text and images
 * (src/upstreams/gemini/translate-parts.ts).
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

describe("Gemini request translation: media", () => {
  it("images and documents: inline data, file URLs, text documents", () => {
    const out = encodeGenerateContentRequest(
      ir({
        messages: [
          {
            role: "user",
            content: [
              {
                type: "image",
                source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" },
                detail: "high",
              },
              { type: "image", source: { kind: "url", url: "https://example.com/cat.JPG?size=2" } },
              { type: "image", source: { kind: "url", url: "data:image/webp;base64,UklGRg==" } },
              {
                type: "document",
                source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
              },
              { type: "document", source: { kind: "text", text: "合同全文" }, title: "合同" },
              { type: "document", source: { kind: "url", url: "https://example.com/report.pdf" } },
              { type: "text", text: "总结这些文件", cacheControl: { type: "ephemeral" } },
            ],
          },
        ],
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out.body.contents, [
      {
        role: "user",
        parts: [
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?size=2" } },
          { inlineData: { mimeType: "image/webp", data: "UklGRg==" } },
          { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
          {
            inlineData: { mimeType: "text/plain", data: Buffer.from("合同全文", "utf8").toString("base64") },
          },
          { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/report.pdf" } },
          { text: "总结这些文件" },
        ],
      },
    ]);
    assert.deepEqual(out.transformations, [
      "dropped:image.detail",
      "inferred:image_mime_type",
      "dropped:document.title",
      "dropped:cache_control",
    ]);
  });

  it("tool results with several texts and an image", () => {
    const out = encodeGenerateContentRequest(
      ir({
        messages: [
          { role: "user", content: [{ type: "text", text: "截图" }] },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "screenshot", input: {} }] },
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                toolUseId: "t1",
                content: [
                  { type: "text", text: "第一部分" },
                  { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
                  { type: "text", text: "第二部分" },
                ],
              },
              { type: "text", text: "看看这张图" },
            ],
          },
        ],
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(out.body.contents, [
      { role: "user", parts: [{ text: "截图" }] },
      {
        role: "model",
        parts: [{ functionCall: { id: "t1", name: "screenshot", args: {} } }],
      },
      {
        role: "user",
        parts: [
          {
            functionResponse: {
              id: "t1",
              name: "screenshot",
              response: { output: "第一部分\n\n第二部分" },
              parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
            },
          },
          { text: "看看这张图" },
        ],
      },
    ]);
    // The last user turn holds text, so it starts a new turn: the earlier call is not validated.
    assert.deepEqual(out.transformations, ["joined:tool_result_blocks"]);
  });
});
