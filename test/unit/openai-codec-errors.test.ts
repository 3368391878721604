/**
 * OpenAI Chat Completions codec, request failures: valid OpenAI input the IR
 * cannot carry is refused with OVT_ERR_TRANSLATE_UNSUPPORTED (never dropped),
 * malformed input answers 400, both naming the field as validate.ts does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import { decodeChatRequest } from "../../src/protocols/openai-chat/decode.js";
import { validateChatRequest } from "../../src/protocols/openai-chat/validate.js";

const decode = (body: unknown) => decodeChatRequest(validateChatRequest(body));

const minimal = (over: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-5",
  messages: [{ role: "user", content: "hi" }],
  ...over,
});

function fails(body: unknown, name: string, param: string | null, message?: RegExp): void {
  assert.throws(
    () => decode(body),
    (err: unknown) => {
      assert.ok(err instanceof OvertError, String(err));
      assert.equal(err.errorName, name);
      assert.equal(err.param, param);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

const UNSUPPORTED = "OVT_ERR_TRANSLATE_UNSUPPORTED";
const INVALID = "OVT_ERR_REQ_INVALID_FIELD";
const user = (content: unknown) => minimal({ messages: [{ role: "user", content }] });
const assistantCall = (args: string) =>
  minimal({
    messages: [
      { role: "user", content: "q" },
      {
        role: "assistant",
        tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: args } }],
      },
    ],
  });

describe("decodeChatRequest refusals", () => {
  it("refuses valid OpenAI input the IR cannot carry, naming the field", () => {
    fails(
      user([{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }]),
      UNSUPPORTED,
      "messages[0].content[0].type",
      /input_audio content part cannot be translated/,
    );
    fails(
      user([
        { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
      ]),
      UNSUPPORTED,
      "messages[0].content[0].type",
    );
    fails(minimal({ tools: [{ type: "custom", custom: { name: "sql" } }] }), UNSUPPORTED, "tools[0].type");
    fails(
      minimal({ tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [] } } }),
      UNSUPPORTED,
      "tool_choice.type",
    );
    fails(minimal({ functions: [{ name: "f" }] }), UNSUPPORTED, "functions", /deprecated functions API/);
    fails(minimal({ function_call: "auto" }), UNSUPPORTED, "function_call");
    fails(
      minimal({ messages: [{ role: "function", name: "f", content: "1" }] }),
      UNSUPPORTED,
      "messages[0].role",
    );
    fails(
      minimal({ messages: [{ role: "assistant", function_call: { name: "f", arguments: "{}" } }] }),
      UNSUPPORTED,
      "messages[0].function_call",
    );
    fails(
      minimal({ messages: [{ role: "assistant", audio: { id: "a1" } }] }),
      UNSUPPORTED,
      "messages[0].audio",
    );
  });

  it("answers 400 for tool-call arguments that are not a JSON object", () => {
    fails(assistantCall('{"city":'), INVALID, "messages[1].tool_calls[0].function.arguments", /valid JSON/);
    fails(assistantCall("[1,2]"), INVALID, "messages[1].tool_calls[0].function.arguments", /JSON object/);
  });

  it("answers 400 for malformed parts", () => {
    fails(
      user([{ type: "image_url", image_url: { url: "data:image/png,abc" } }]),
      INVALID,
      "messages[0].content[0].image_url.url",
    );
    fails(
      user([{ type: "video", video: {} }]),
      INVALID,
      "messages[0].content[0].type",
      /unknown content part/,
    );
    fails(
      minimal({ messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "u" } }] }] }),
      INVALID,
      "messages[0].content[0].type",
      /text parts only/,
    );
    fails(minimal({ messages: [{ role: "user" }] }), "OVT_ERR_REQ_MISSING_FIELD", "messages[0].content");
    fails(
      minimal({ messages: [{ role: "tool", content: "x" }] }),
      "OVT_ERR_REQ_MISSING_FIELD",
      "messages[0].tool_call_id",
    );
    fails(minimal({ tool_choice: "sometimes" }), INVALID, "tool_choice");
    fails(minimal({ reasoning_effort: "max" }), INVALID, "reasoning_effort");
    fails(
      minimal({ tools: [{ type: "function", function: {} }] }),
      "OVT_ERR_REQ_MISSING_FIELD",
      "tools[0].function.name",
    );
  });
});
