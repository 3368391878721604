/**
 * OpenAI Responses codec, what it rejects and its pipeline surface: invalid
 * fields, built-in tools, features that need server-side state (zero
 * retention), content it cannot carry — each with the field named as OpenAI's
 * `param`; parse(), storeForcedFalse and the error envelopes. The decoding
 * itself: responses-codec.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import { openAiResponsesCodec } from "../../src/protocols/openai-responses/codec.js";
import { decodeResponsesRequest, storeForcedFalse } from "../../src/protocols/openai-responses/decode.js";
import { responsesErrors } from "../../src/protocols/openai-responses/errors.js";

const weatherTool = { type: "function", name: "get_weather", parameters: { type: "object", properties: {} } };

function refusal(body: unknown): OvertError {
  try {
    decodeResponsesRequest(body);
  } catch (error) {
    assert.ok(error instanceof OvertError, String(error));
    return error;
  }
  assert.fail("expected the request to be refused");
}

describe("validation and refusals", () => {
  it("validates with OpenAI's param naming", () => {
    const cases: [unknown, string, string | null][] = [
      [{ input: "x" }, "OVT_ERR_REQ_MISSING_FIELD", "model"],
      [{ model: "m" }, "OVT_ERR_REQ_MISSING_FIELD", "input"],
      [{ model: "m", input: 3 }, "OVT_ERR_REQ_INVALID_FIELD", "input"],
      [{ model: "m", input: [] }, "OVT_ERR_REQ_INVALID_FIELD", "input"],
      [{ model: "m", input: "x", temperature: 3 }, "OVT_ERR_REQ_INVALID_FIELD", "temperature"],
      [{ model: "m", input: "x", max_output_tokens: 1.5 }, "OVT_ERR_REQ_INVALID_FIELD", "max_output_tokens"],
      [{ model: "m", input: "x", api_base: "http://evil" }, "OVT_ERR_REQ_FORBIDDEN_PARAMETER", "api_base"],
      [
        { model: "m", input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{oops" }] },
        "OVT_ERR_REQ_INVALID_FIELD",
        "input[0].arguments",
      ],
      [
        { model: "m", input: [{ type: "function_call_output", output: "x" }] },
        "OVT_ERR_REQ_MISSING_FIELD",
        "input[0].call_id",
      ],
      [{ model: "m", input: [{ type: "bogus" }] }, "OVT_ERR_REQ_INVALID_FIELD", "input[0].type"],
      [{ model: "m", input: [{ role: "tool", content: "x" }] }, "OVT_ERR_REQ_INVALID_FIELD", "input[0].role"],
      [
        { model: "m", input: "x", reasoning: { effort: "max" } },
        "OVT_ERR_REQ_INVALID_FIELD",
        "reasoning.effort",
      ],
    ];
    for (const [body, name, param] of cases) {
      const error = refusal(body);
      assert.equal(error.errorName, name, JSON.stringify(body));
      assert.equal(error.param, param, JSON.stringify(body));
      assert.equal(error.status, 400);
    }
  });

  it("leaves out hosted tools that are only offered (Codex sends them by default), and says so", async () => {
    const { decodeResponsesRequest } = await import("../../src/protocols/openai-responses/decode.js");
    const { hostedToolNotes } = await import("../../src/protocols/openai-responses/decode-options.js");
    const tools = [
      { type: "namespace", name: "multi_agent_v1", tools: [] },
      weatherTool,
      { type: "web_search" },
    ];
    const ir = decodeResponsesRequest({ model: "m", input: "x", tools });
    assert.deepEqual(
      ir.tools.map((t) => t.name),
      [weatherTool.name],
    );
    assert.deepEqual(hostedToolNotes(tools), ["dropped:tools[0](namespace)", "dropped:tools[2](web_search)"]);
  });

  it("refuses built-in tools it cannot leave out, naming them", () => {
    for (const type of ["computer_use_preview", "mcp", "apply_patch_call_output"]) {
      const error = refusal({ model: "m", input: "x", tools: [weatherTool, { type }] });
      assert.equal(error.errorName, "OVT_ERR_TRANSLATE_UNSUPPORTED");
      assert.equal(error.param, "tools[1].type");
      assert.match(error.message, new RegExp(`The built-in tool '${type}' cannot be translated`));
    }
    const custom = refusal({ model: "m", input: "x", tools: [{ type: "custom", name: "apply_patch" }] });
    assert.equal(custom.errorName, "OVT_ERR_TRANSLATE_UNSUPPORTED");
    assert.match(custom.message, /A custom tool/);
    const choice = refusal({ model: "m", input: "x", tool_choice: { type: "web_search_preview" } });
    assert.equal(choice.param, "tool_choice.type");
    assert.match(choice.message, /tool_choice 'web_search_preview'/);
  });

  it("refuses what needs conversation state: previous_response_id, conversation, prompt, background, item_reference", () => {
    const stateful: [Record<string, unknown>, string, RegExp][] = [
      [{ previous_response_id: "resp_abc" }, "previous_response_id", /zero retention/],
      [{ conversation: "conv_1" }, "conversation", /zero retention/],
      [{ prompt: { id: "pmpt_1" } }, "prompt", /zero retention/],
      [{ background: true }, "background", /stores no responses/],
      [{ input: [{ type: "item_reference", id: "msg_1" }] }, "input[0].type", /no stored items/],
    ];
    for (const [extra, param, message] of stateful) {
      const error = refusal({ model: "m", input: "x", ...extra });
      assert.equal(error.errorName, "OVT_ERR_REQ_INVALID_FIELD");
      assert.equal(error.param, param);
      assert.match(error.message, message);
    }
    assert.doesNotThrow(() => decodeResponsesRequest({ model: "m", input: "x", previous_response_id: null }));
  });

  it("refuses content and items it cannot carry", () => {
    const cases: [unknown[], string, RegExp][] = [
      [
        [{ role: "user", content: [{ type: "input_file", file_id: "file_1" }] }],
        "input[0].content[0].type",
        /input_file/,
      ],
      [
        [{ role: "user", content: [{ type: "input_image", file_id: "file_1" }] }],
        "input[0].content[0].file_id",
        /by file_id/,
      ],
      [
        [{ type: "local_shell_call", call_id: "c", action: {} }],
        "input[0].type",
        /local_shell_call input item/,
      ],
      [
        [{ type: "custom_tool_call", call_id: "c", name: "x", input: "" }],
        "input[0].type",
        /custom_tool_call/,
      ],
      [
        [{ role: "system", content: [{ type: "input_image", image_url: "https://x/y.png" }] }],
        "input[0].content[0].type",
        /input_image in a system message/,
      ],
    ];
    for (const [input, param, message] of cases) {
      const error = refusal({ model: "m", input });
      assert.equal(error.errorName, "OVT_ERR_TRANSLATE_UNSUPPORTED", param);
      assert.equal(error.param, param);
      assert.match(error.message, message);
    }
  });
});

describe("the codec", () => {
  it("parses what the pipeline needs and decodes the IR once, on demand", () => {
    const parsed = openAiResponsesCodec.parse(
      {
        model: "claude-sonnet-4-5",
        input: [
          { role: "user", content: "天气？" },
          { type: "function_call", call_id: "c1", name: "get_weather", arguments: "{}" },
          { type: "function_call_output", call_id: "c1", output: "晴" },
        ],
        stream: true,
        max_output_tokens: 2048,
      },
      {},
    );
    assert.equal(parsed.dialect, "openai-responses");
    assert.equal(parsed.model, "claude-sonnet-4-5");
    assert.equal(parsed.stream, true);
    assert.equal(parsed.n, 1);
    assert.equal(parsed.maxOutputTokens, 2048);
    assert.equal(parsed.clientWantsUsage, true);
    assert.deepEqual(parsed.forwardHeaders, {});
    assert.equal(parsed.ir(), parsed.ir());
    assert.equal(parsed.ir().messages.length, 3);
    assert.throws(
      () => openAiResponsesCodec.parse({ model: "m", input: "x", previous_response_id: "resp_1" }, {}),
      (e: unknown) => e instanceof OvertError && e.param === "previous_response_id",
    );
  });

  it("says when store is forced to false (OpenAI's default is store: true)", () => {
    assert.equal(storeForcedFalse({ model: "m", input: "x", store: true }), true);
    assert.equal(storeForcedFalse({ model: "m", input: "x" }), true);
    assert.equal(storeForcedFalse({ model: "m", input: "x", store: null }), true);
    assert.equal(storeForcedFalse({ model: "m", input: "x", store: false }), false);
  });

  it("renders OpenAI's error envelope, and the stream's error event with both field shapes", () => {
    const error = new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: "model" }, { param: "model" });
    assert.deepEqual(responsesErrors.renderError(error, "req_1"), {
      status: 400,
      body: JSON.stringify({
        error: {
          message: "Missing required parameter: model.",
          type: "invalid_request_error",
          param: "model",
          code: "missing_required_parameter",
        },
      }),
    });
    const upstream = new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider: "p" });
    const message = "Upstream p closed the stream before it finished.";
    const inner = { message, type: "server_error", param: null, code: "upstream_disconnected" };
    assert.equal(
      responsesErrors.renderStreamError(upstream, "req_1"),
      `event: error\ndata: ${JSON.stringify({ type: "error", code: "upstream_disconnected", message, param: null, error: inner })}\n\n`,
    );
  });
});
