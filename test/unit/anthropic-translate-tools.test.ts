/**
 * IR → Anthropic Messages request: tool_choice and parallel tool use, turn
 * shaping (merging, tool results first, empty turns), the system field's form,
 * same-dialect extensions and structured output. The main goldens:
 * anthropic-translate.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IrRequest } from "../../src/ir/request.js";
import { encodeMessagesRequest } from "../../src/upstreams/anthropic/translate-request.js";

const irOf = (over: Partial<IrRequest> = {}): IrRequest => ({
  model: "claude-via-openai",
  system: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  stop: [],
  stream: false,
  dialect: "openai-chat",
  extensions: {},
  ...over,
});

describe("encodeMessagesRequest: tools and turns", () => {
  it("maps tool_choice and parallel tool use", () => {
    const tools = [{ name: "f", inputSchema: { type: "object" } }];
    const encode = (over: Partial<IrRequest>) =>
      encodeMessagesRequest(irOf({ maxOutputTokens: 10, tools, ...over }), "m");
    assert.deepEqual(encode({ toolChoice: { type: "auto" } }).body.tool_choice, { type: "auto" });
    assert.deepEqual(encode({ toolChoice: { type: "none" } }).body.tool_choice, { type: "none" });
    assert.deepEqual(encode({ toolChoice: { type: "required" } }).body.tool_choice, { type: "any" });
    assert.deepEqual(encode({ toolChoice: { type: "tool", name: "f" } }).body.tool_choice, {
      type: "tool",
      name: "f",
    });
    assert.deepEqual(
      encode({ toolChoice: { type: "tool", name: "f" }, parallelToolCalls: false }).body.tool_choice,
      {
        type: "tool",
        name: "f",
        disable_parallel_tool_use: true,
      },
    );
    assert.deepEqual(encode({ parallelToolCalls: false }).body.tool_choice, {
      type: "auto",
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(encode({ toolChoice: { type: "none" }, parallelToolCalls: false }).body.tool_choice, {
      type: "none",
    });
    assert.equal(encode({ parallelToolCalls: true }).body.tool_choice, undefined);
    const bare = encodeMessagesRequest(
      irOf({ maxOutputTokens: 10, toolChoice: { type: "auto" }, parallelToolCalls: true }),
      "m",
    );
    assert.equal(bare.body.tool_choice, undefined);
    assert.equal(bare.body.tools, undefined);
    assert.deepEqual(bare.transformations, ["dropped:tool_choice", "dropped:parallel_tool_calls"]);
  });

  it("merges consecutive assistant turns, puts tool results first, drops empty turns", () => {
    const { body, transformations } = encodeMessagesRequest(
      irOf({
        maxOutputTokens: 10,
        messages: [
          { role: "user", content: [{ type: "text", text: "go" }] },
          { role: "assistant", content: [{ type: "text", text: "Checking." }] },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: undefined }] },
          { role: "user", content: [{ type: "text", text: "  " }] },
          { role: "user", content: [{ type: "text", text: "note first" }] },
          { role: "tool", content: [{ type: "tool_result", toolUseId: "t1", content: [] }] },
        ],
      }),
      "m",
    );
    assert.deepEqual(body.messages, [
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "t1", name: "f", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1" },
          { type: "text", text: "note first" },
        ],
      },
    ]);
    assert.deepEqual(transformations, [
      "merged:consecutive_assistant_messages",
      "dropped:empty_text_block",
      "dropped:empty_message",
      "merged:consecutive_user_messages",
      "moved:tool_results_before_user_content",
    ]);
  });

  it("sends a lone uncached system block as a string; forwards top-level extensions of an Anthropic client", () => {
    const { body, transformations } = encodeMessagesRequest(
      irOf({
        system: [{ type: "text", text: "Be brief." }],
        maxOutputTokens: 10,
        topK: 5,
        dialect: "anthropic-messages",
        extensions: { service_tier: "auto", "messages.0.content.0.citations": [] },
      }),
      "m",
    );
    assert.equal(body.system, "Be brief.");
    assert.equal(body.top_k, 5);
    assert.equal(body.service_tier, "auto");
    assert.deepEqual(transformations, ["dropped:messages.0.content.0.citations"]);
    assert.equal(Object.hasOwn(body, "stream"), false);
  });

  it("records a non-strict json_schema becoming enforced", () => {
    const { body, transformations } = encodeMessagesRequest(
      irOf({
        maxOutputTokens: 10,
        responseFormat: { type: "json_schema", name: "x", schema: {}, strict: false },
      }),
      "m",
    );
    assert.deepEqual(body.output_config, { format: { type: "json_schema", schema: {} } });
    assert.deepEqual(transformations, ["dropped:response_format.name", "converted:response_format.strict"]);
    const text = encodeMessagesRequest(irOf({ maxOutputTokens: 10, responseFormat: { type: "text" } }), "m");
    assert.equal(text.body.output_config, undefined);
    assert.deepEqual(text.transformations, []);
  });
});
