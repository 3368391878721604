/**
 * Anthropic Messages codec, failures: invalid requests answer 400 naming the
 * field in Anthropic's dotted form, valid-but-untranslatable ones are refused
 * (never dropped), and errors render in Anthropic's envelope.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import { decodeMessagesRequest } from "../../src/protocols/anthropic-messages/decode.js";
import { anthropicErrors } from "../../src/protocols/anthropic-messages/errors.js";

function fails(body: unknown, name: string, param: string | null, message?: RegExp): void {
  assert.throws(
    () => decodeMessagesRequest(body),
    (err: unknown) => {
      assert.ok(err instanceof OvertError, String(err));
      assert.equal(err.errorName, name);
      assert.equal(err.param, param);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

const minimal = (over: Record<string, unknown> = {}) => ({
  model: "m",
  max_tokens: 10,
  messages: [{ role: "user", content: "hi" }],
  ...over,
});

describe("decodeMessagesRequest refusals", () => {
  it("answers 400 naming the field", () => {
    fails({ model: "m", messages: [] }, "OVT_ERR_REQ_MISSING_FIELD", "max_tokens", /max_tokens/);
    fails(minimal({ max_tokens: 0 }), "OVT_ERR_REQ_INVALID_FIELD", "max_tokens");
    fails(minimal({ max_tokens: 1.5 }), "OVT_ERR_REQ_INVALID_FIELD", "max_tokens");
    fails(minimal({ messages: "hi" }), "OVT_ERR_REQ_INVALID_FIELD", "messages", /must be an array/);
    fails(minimal({ messages: [] }), "OVT_ERR_REQ_INVALID_FIELD", "messages", /at least one/);
    fails(
      minimal({ messages: [{ role: "system", content: "x" }] }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.role",
      /top-level `system`/,
    );
    fails(
      minimal({ messages: [{ role: "tool", content: "x" }] }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.role",
    );
    fails(minimal({ messages: [{ role: "user" }] }), "OVT_ERR_REQ_MISSING_FIELD", "messages.0.content");
    fails(
      minimal({ messages: [{ role: "user", content: 42 }] }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content",
    );
    fails(minimal({ temperature: 1.5 }), "OVT_ERR_REQ_INVALID_FIELD", "temperature", /0–1/);
    fails(minimal({ stop_sequences: "x" }), "OVT_ERR_REQ_INVALID_FIELD", "stop_sequences");
    fails(minimal({ tool_choice: { type: "tool" } }), "OVT_ERR_REQ_MISSING_FIELD", "tool_choice.name");
    fails(minimal({ tool_choice: { type: "sometimes" } }), "OVT_ERR_REQ_INVALID_FIELD", "tool_choice.type");
    fails(minimal({ thinking: { type: "enabled" } }), "OVT_ERR_REQ_MISSING_FIELD", "thinking.budget_tokens");
    fails(minimal({ tools: [{ name: "t" }] }), "OVT_ERR_REQ_MISSING_FIELD", "tools.0.input_schema");
    fails(minimal({ api_key: "sk-x" }), "OVT_ERR_REQ_FORBIDDEN_PARAMETER", "api_key");
    fails("[]", "OVT_ERR_REQ_INVALID_FIELD", null, /JSON object/);
  });

  it("refuses unknown block types and misplaced blocks clearly, never dropping them", () => {
    const user = (block: unknown) => minimal({ messages: [{ role: "user", content: [block] }] });
    fails(
      user({ type: "hologram", data: "x" }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content.0.type",
      /unknown content block type 'hologram'/,
    );
    fails(user({ text: "no type" }), "OVT_ERR_REQ_MISSING_FIELD", "messages.0.content.0.type");
    fails(user({ type: "text" }), "OVT_ERR_REQ_MISSING_FIELD", "messages.0.content.0.text");
    fails(
      user({ type: "tool_use", id: "a", name: "b", input: {} }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content.0.type",
      /not allowed in user messages/,
    );
    fails(
      minimal({ messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "a" }] }] }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content.0.type",
    );
    fails(
      user({ type: "image", source: { type: "base64", media_type: "image/tiff", data: "x" } }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content.0.source.media_type",
    );
    fails(
      user({
        type: "tool_result",
        tool_use_id: "a",
        content: [{ type: "tool_use", id: "x", name: "y", input: {} }],
      }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content.0.content.0.type",
      /tool_result content/,
    );
    fails(
      minimal({
        messages: [{ role: "assistant", content: [{ type: "tool_use", id: "a", name: "b", input: "{}" }] }],
      }),
      "OVT_ERR_REQ_INVALID_FIELD",
      "messages.0.content.0.input",
    );
    fails(
      minimal({
        messages: [
          {
            role: "assistant",
            content: [{ type: "server_tool_use", id: "s", name: "web_search", input: {} }],
          },
        ],
      }),
      "OVT_ERR_TRANSLATE_UNSUPPORTED",
      "messages.0.content.0.type",
      /server_tool_use/,
    );
    fails(
      user({ type: "image", source: { type: "file", file_id: "file_1" } }),
      "OVT_ERR_TRANSLATE_UNSUPPORTED",
      "messages.0.content.0.source.type",
    );
    fails(
      user({ type: "text", text: "x", citations: [{ type: "char_location" }] }),
      "OVT_ERR_TRANSLATE_UNSUPPORTED",
      "messages.0.content.0.citations",
    );
    fails(minimal({ thinking: { type: "between_tools" } }), "OVT_ERR_TRANSLATE_UNSUPPORTED", "thinking.type");
  });
});

describe("Anthropic error envelope", () => {
  it("renders {type:error,error:{type,message},request_id} with Anthropic's type per status", () => {
    const rendered = anthropicErrors.renderError(
      new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: "max_tokens" }, { param: "max_tokens" }),
      "req_1",
    );
    assert.equal(rendered.status, 400);
    assert.equal(
      rendered.body,
      '{"type":"error","error":{"type":"invalid_request_error","message":"Missing required parameter: max_tokens."},"request_id":"req_1"}',
    );
    const typeOf = (err: OvertError) =>
      (JSON.parse(anthropicErrors.renderError(err, "r").body) as { error: { type: string } }).error.type;
    const table: [OvertError, number, string][] = [
      [new OvertError("OVT_ERR_AUTH_INVALID_KEY"), 401, "authentication_error"],
      [new OvertError("OVT_ERR_AUTH_MODEL_NOT_ALLOWED", { model: "m" }), 403, "permission_error"],
      [new OvertError("OVT_ERR_ROUTE_MODEL_NOT_FOUND", { model: "m" }), 404, "not_found_error"],
      [new OvertError("OVT_ERR_REQ_BODY_TOO_LARGE", { limit: 1 }), 413, "request_too_large"],
      [new OvertError("OVT_ERR_UPSTREAM_RATE_LIMITED"), 429, "rate_limit_error"],
      [new OvertError("OVT_ERR_RELAY_INTERNAL", { requestId: "r" }), 500, "api_error"],
      [new OvertError("OVT_ERR_UPSTREAM_ERROR", { provider: "p", status: 500 }), 502, "api_error"],
      [new OvertError("OVT_ERR_UPSTREAM_TIMEOUT", { provider: "p", seconds: 1 }), 504, "api_error"],
      [new OvertError("OVT_ERR_STORAGE_BUSY"), 503, "overloaded_error"],
      [
        new OvertError("OVT_ERR_UPSTREAM_ERROR", { provider: "p", status: 529 }, { status: 529 }),
        529,
        "overloaded_error",
      ],
      [
        new OvertError("OVT_ERR_UPSTREAM_REJECTED", { provider: "p", detail: "d" }, { status: 422 }),
        422,
        "invalid_request_error",
      ],
      [
        new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature: "f", detail: "d" }),
        400,
        "invalid_request_error",
      ],
    ];
    for (const [err, status, type] of table) {
      assert.equal(anthropicErrors.renderError(err, "r").status, status, err.errorName);
      assert.equal(typeOf(err), type, err.errorName);
    }
  });

  it("renders the in-stream error event", () => {
    const err = new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: "deepseek" });
    assert.equal(
      anthropicErrors.renderStreamError(err, "req_2"),
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Upstream deepseek closed the stream before it finished."},"request_id":"req_2"}\n\n',
    );
  });
});
