/**
 * Gemini API codec, failures: malformed requests answer 400 naming the field
 * as Google does (`contents[0].parts[1]`), valid-but-untranslatable ones are
 * refused (never dropped), and errors render in Google's envelope.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import { decodeGenerateContentRequest } from "../../src/protocols/gemini/decode.js";
import { geminiErrorStatus, geminiErrors } from "../../src/protocols/gemini/errors.js";

function fails(body: unknown, name: string, param: string | null, message?: RegExp): void {
  assert.throws(
    () => decodeGenerateContentRequest("gemini-2.5-flash", body, false),
    (err: unknown) => {
      assert.ok(err instanceof OvertError, String(err));
      assert.equal(err.errorName, name, err.message);
      assert.equal(err.param, param);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

const text = (t: string) => ({ text: t });
const minimal = (over: Record<string, unknown> = {}) => ({
  contents: [{ role: "user", parts: [text("hi")] }],
  ...over,
});
const withParts = (...parts: unknown[]) => ({ contents: [{ role: "user", parts }] });
const INVALID = "OVT_ERR_REQ_INVALID_FIELD";
const MISSING = "OVT_ERR_REQ_MISSING_FIELD";
const UNSUPPORTED = "OVT_ERR_TRANSLATE_UNSUPPORTED";

describe("decodeGenerateContentRequest refusals", () => {
  it("answers 400 naming the field", () => {
    fails("hi", INVALID, null, /JSON object/);
    fails({}, MISSING, "contents");
    fails({ contents: [] }, INVALID, "contents", /at least one/);
    fails({ contents: {} }, INVALID, "contents", /must be an array/);
    fails({ contents: [{ role: "assistant", parts: [text("x")] }] }, INVALID, "contents[0].role");
    fails({ contents: [{ role: "user" }] }, MISSING, "contents[0].parts");
    fails({ contents: [{ role: "user", parts: [] }] }, INVALID, "contents[0].parts");
    fails(withParts({}), INVALID, "contents[0].parts[0]", /must hold one of/);
    fails(
      withParts({ text: "a", inlineData: { mimeType: "image/png", data: "x" } }),
      INVALID,
      "contents[0].parts[0]",
    );
    fails(withParts({ text: 5 }), INVALID, "contents[0].parts[0].text");
    fails(withParts({ inlineData: { data: "x" } }), MISSING, "contents[0].parts[0].inlineData.mimeType");
    fails(
      withParts({ inlineData: { mimeType: "image/png", data: "" } }),
      INVALID,
      "contents[0].parts[0].inlineData.data",
    );
    fails(withParts({ functionCall: { name: "f", args: {} } }), INVALID, "contents[0].parts[0].functionCall");
    fails(withParts({ text: "t", thought: true }), INVALID, "contents[0].parts[0].thought");
    fails(
      { contents: [{ role: "model", parts: [{ functionResponse: { name: "f", response: {} } }] }] },
      INVALID,
      "contents[0].parts[0].functionResponse",
    );
    fails(
      { contents: [{ role: "model", parts: [{ functionCall: { args: {} } }] }] },
      MISSING,
      "contents[0].parts[0].functionCall.name",
    );
    fails(
      { contents: [{ role: "model", parts: [{ functionCall: { name: "f", args: [] } }] }] },
      INVALID,
      "contents[0].parts[0].functionCall.args",
    );
    fails(minimal({ generationConfig: { temperature: 3 } }), INVALID, "generationConfig.temperature", /0–2/);
    fails(
      minimal({ generationConfig: { maxOutputTokens: 1.5 } }),
      INVALID,
      "generationConfig.maxOutputTokens",
    );
    fails(minimal({ generationConfig: { candidateCount: 9 } }), INVALID, "generationConfig.candidateCount");
    fails(minimal({ generationConfig: { stopSequences: "x" } }), INVALID, "generationConfig.stopSequences");
    fails(
      minimal({ generationConfig: { thinkingConfig: { thinkingBudget: -2 } } }),
      INVALID,
      "generationConfig.thinkingConfig.thinkingBudget",
    );
    fails(
      minimal({ generationConfig: { topP: 0.5, top_p: 0.5 } }),
      INVALID,
      "generationConfig.top_p",
      /same field/,
    );
    fails(
      minimal({ tools: [{ functionDeclarations: [{ description: "x" }] }] }),
      MISSING,
      "tools[0].functionDeclarations[0].name",
    );
    fails(
      minimal({
        tools: [
          { functionDeclarations: [{ name: "f", parameters: { type: "OBJECT" }, parametersJsonSchema: {} }] },
        ],
      }),
      INVALID,
      "tools[0].functionDeclarations[0].parametersJsonSchema",
    );
    fails(
      minimal({ tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "DICT" } }] }] }),
      INVALID,
      "tools[0].functionDeclarations[0].parameters.type",
    );
    fails(
      minimal({ toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }),
      INVALID,
      "toolConfig.functionCallingConfig.mode",
    );
    fails(minimal({ api_key: "sk-x" }), "OVT_ERR_REQ_FORBIDDEN_PARAMETER", "api_key");
    fails(minimal({ model: "models/other" }), INVALID, "model", /URL names/);
  });

  it("refuses what only Google can do, naming the field (deferred by the codec until translation)", () => {
    fails(minimal({ tools: [{ googleSearch: {} }] }), UNSUPPORTED, "tools[0].googleSearch", /googleSearch/);
    fails(minimal({ tools: [{ codeExecution: {} }] }), UNSUPPORTED, "tools[0].codeExecution");
    fails(minimal({ tools: [{ url_context: {} }] }), UNSUPPORTED, "tools[0].url_context");
    fails(minimal({ cachedContent: "cachedContents/abc" }), UNSUPPORTED, "cachedContent");
    fails(
      withParts({ inlineData: { mimeType: "audio/mp3", data: "SUQz" } }),
      UNSUPPORTED,
      "contents[0].parts[0].inlineData.mimeType",
      /audio\/mp3/,
    );
    fails(
      withParts({ inlineData: { mimeType: "text/plain", data: "//79" } }),
      UNSUPPORTED,
      "contents[0].parts[0].inlineData.data",
      /UTF-8/,
    );
    fails(
      withParts({
        fileData: {
          mimeType: "application/pdf",
          fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc",
        },
      }),
      UNSUPPORTED,
      "contents[0].parts[0].fileData.fileUri",
      /Files API/,
    );
    fails(
      withParts({ fileData: { mimeType: "image/png", fileUri: "gs://bucket/a.png" } }),
      UNSUPPORTED,
      "contents[0].parts[0].fileData.fileUri",
    );
    fails(
      withParts({ fileData: { mimeType: "video/mp4", fileUri: "https://youtu.be/x" } }),
      UNSUPPORTED,
      "contents[0].parts[0].fileData.fileUri",
    );
    fails(
      withParts({ fileData: { fileUri: "https://example.com/x" } }),
      UNSUPPORTED,
      "contents[0].parts[0].fileData.mimeType",
    );
    fails(
      withParts({ executableCode: { language: "PYTHON", code: "1" } }),
      UNSUPPORTED,
      "contents[0].parts[0].executableCode",
    );
    fails(
      minimal({ systemInstruction: { parts: [{ inlineData: { mimeType: "image/png", data: "x" } }] } }),
      UNSUPPORTED,
      "systemInstruction.parts[0].inlineData",
    );
    fails(
      minimal({ generationConfig: { responseModalities: ["TEXT", "IMAGE"] } }),
      UNSUPPORTED,
      "generationConfig.responseModalities[1]",
    );
    fails(
      minimal({ generationConfig: { responseMimeType: "text/x.enum" } }),
      UNSUPPORTED,
      "generationConfig.responseMimeType",
    );
    fails(
      minimal({ generationConfig: { responseSchema: { type: "STRING" } } }),
      UNSUPPORTED,
      "generationConfig.responseSchema",
    );
    const tools = [{ functionDeclarations: [{ name: "a" }, { name: "b" }, { name: "c" }] }];
    fails(
      minimal({
        tools,
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a", "b"] } },
      }),
      UNSUPPORTED,
      "toolConfig.functionCallingConfig.allowedFunctionNames",
    );
    fails(
      minimal({ tools, toolConfig: { functionCallingConfig: { mode: "VALIDATED" } } }),
      UNSUPPORTED,
      "toolConfig.functionCallingConfig.mode",
    );
    fails(
      {
        contents: [
          { role: "user", parts: [text("x")] },
          { role: "user", parts: [{ functionResponse: { name: "ghost", response: {} } }] },
        ],
      },
      UNSUPPORTED,
      "contents[1].parts[0].functionResponse",
      /ghost/,
    );
  });
});

describe("Gemini error envelope", () => {
  it("renders {error:{code,message,status,details}} with Google's status names", () => {
    const err = new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: "contents" }, { param: "contents" });
    const rendered = geminiErrors.renderError(err, "req_1");
    assert.equal(rendered.status, 400);
    assert.deepEqual(JSON.parse(rendered.body), {
      error: {
        code: 400,
        message: "Missing required parameter: contents.",
        status: "INVALID_ARGUMENT",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "OVT_ERR_REQ_MISSING_FIELD",
            domain: "overt",
            metadata: { code: "missing_required_parameter", requestId: "req_1" },
          },
          {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            fieldViolations: [{ field: "contents", description: "Missing required parameter: contents." }],
          },
        ],
      },
    });
    const statuses = [
      [new OvertError("OVT_ERR_AUTH_INVALID_KEY"), 401, "UNAUTHENTICATED"],
      [new OvertError("OVT_ERR_AUTH_MODEL_NOT_ALLOWED", { model: "m" }), 403, "PERMISSION_DENIED"],
      [new OvertError("OVT_ERR_ROUTE_MODEL_NOT_FOUND", { model: "m" }), 404, "NOT_FOUND"],
      [new OvertError("OVT_ERR_REQ_BODY_TOO_LARGE", { limit: 1 }), 413, "INVALID_ARGUMENT"],
      [new OvertError("OVT_ERR_UPSTREAM_RATE_LIMITED"), 429, "RESOURCE_EXHAUSTED"],
      [new OvertError("OVT_ERR_RELAY_INTERNAL", { requestId: "r" }), 500, "INTERNAL"],
      [new OvertError("OVT_ERR_UPSTREAM_ERROR", { provider: "p", status: 500 }), 502, "UNAVAILABLE"],
      [new OvertError("OVT_ERR_STORAGE_BUSY"), 503, "UNAVAILABLE"],
      [new OvertError("OVT_ERR_UPSTREAM_TIMEOUT", { provider: "p", seconds: 5 }), 504, "DEADLINE_EXCEEDED"],
    ] as const;
    for (const [error, code, status] of statuses) {
      const body = JSON.parse(geminiErrors.renderError(error, "r").body);
      assert.equal(body.error.code, code);
      assert.equal(body.error.status, status);
      assert.equal(geminiErrorStatus(error), status);
      assert.equal(body.error.details.length, 1, "no BadRequest without a param");
    }
  });

  it("renders the in-stream error as one CRLF-terminated SSE data event", () => {
    const err = new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: "up" });
    const event = geminiErrors.renderStreamError(err, "req_2");
    assert.match(
      event,
      /^data: \{"error":\{"code":502,"message":"Upstream up closed the stream before it finished\.","status":"UNAVAILABLE",/,
    );
    assert.ok(event.endsWith("}\r\n\r\n"));
  });
});
