/**
 * IR → Anthropic Messages request, refusals: what an Anthropic upstream cannot
 * take is refused with OVT_ERR_TRANSLATE_UNSUPPORTED (400) naming the field,
 * never dropped or clamped.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrRequest, Message } from "../../src/ir/request.js";
import { encodeMessagesRequest } from "../../src/upstreams/anthropic/translate-request.js";

const irOf = (over: Partial<IrRequest> = {}): IrRequest => ({
  model: "m",
  system: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  stop: [],
  stream: false,
  dialect: "openai-chat",
  extensions: {},
  maxOutputTokens: 100,
  ...over,
});

function refuses(request: IrRequest, param: string, message: RegExp): void {
  assert.throws(
    () => encodeMessagesRequest(request, "claude-sonnet-4-5"),
    (err: unknown) =>
      err instanceof OvertError &&
      err.errorName === "OVT_ERR_TRANSLATE_UNSUPPORTED" &&
      err.param === param &&
      err.status === 400 &&
      message.test(err.message),
  );
}

const messages = (...list: Message[]) => irOf({ messages: list });

describe("encodeMessagesRequest refusals", () => {
  it("refuses unmappable sampling options: n > 1, logprobs, top_logprobs, temperature above 1", () => {
    refuses(irOf({ n: 2 }), "n", /n=2 cannot be translated.*exactly one choice/);
    refuses(irOf({ logprobs: true }), "logprobs", /no token probabilities/);
    refuses(irOf({ topLogprobs: 3 }), "top_logprobs", /no token probabilities/);
    refuses(irOf({ temperature: 1.5 }), "temperature", /temperature 1\.5 .*0–1.*neither clamps nor rescales/);
    assert.equal(
      encodeMessagesRequest(irOf({ n: 1, logprobs: false, temperature: 1 }), "m").body.temperature,
      1,
    );
  });

  it("refuses json_object output, server tools and tool_choice without tools", () => {
    refuses(irOf({ responseFormat: { type: "json_object" } }), "response_format", /no schemaless JSON mode/);
    refuses(
      irOf({
        tools: [
          {
            name: "web_search",
            inputSchema: undefined,
            builtin: { type: "web_search_20250305", fields: {} },
          },
        ],
      }),
      "tools.0",
      /Server tool 'web_search_20250305'/,
    );
    refuses(irOf({ toolChoice: { type: "required" } }), "tool_choice", /defines no tools/);
    refuses(irOf({ toolChoice: { type: "tool", name: "f" } }), "tool_choice", /defines no tools/);
  });

  it("refuses blocks where Anthropic has no place for them", () => {
    refuses(
      messages({
        role: "assistant",
        content: [{ type: "image", source: { kind: "url", url: "https://e.com/a.png" } }],
      }),
      "messages.0.content.0",
      /'image' block cannot be translated.*assistant turns/,
    );
    refuses(
      messages({ role: "user", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] }),
      "messages.0.content.0",
      /'tool_use' block.*user turns/,
    );
    refuses(
      messages({
        role: "user",
        content: [
          {
            type: "tool_result",
            toolUseId: "t",
            content: [{ type: "thinking", thinking: "x", signature: "s" }],
          },
        ],
      }),
      "messages.0.content.0.content.0",
      /'thinking' block.*tool results/,
    );
    refuses(
      messages({
        role: "system",
        content: [
          { type: "text", text: "a" },
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AA==" } },
        ],
      }),
      "messages.0.content.1",
      /'image' block.*system prompt/,
    );
    refuses(
      irOf({ system: [{ type: "document", source: { kind: "text", text: "x" } }] }),
      "system.0",
      /'document' block.*system prompt/,
    );
  });

  it("refuses tool-call arguments that are not a JSON object", () => {
    const call = (input: unknown) =>
      messages(
        { role: "user", content: [{ type: "text", text: "go" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "f", input }] },
      );
    refuses(call('{"city": "Par'), "messages.1.content.0.input", /not a JSON object/);
    refuses(call("[1,2]"), "messages.1.content.0.input", /not a JSON object/);
    refuses(call(42), "messages.1.content.0.input", /not a JSON object/);
    const empty = encodeMessagesRequest(call(""), "m").body.messages as { content: { input?: unknown }[] }[];
    assert.deepEqual(empty[1]?.content[0]?.input, {});
  });

  it("refuses a request left without any turn", () => {
    refuses(
      messages({ role: "system", content: [{ type: "text", text: "only a system prompt" }] }),
      "messages",
      /no user or assistant content/,
    );
    refuses(
      messages({ role: "user", content: [{ type: "text", text: "" }] }),
      "messages",
      /Anthropic needs at least one turn/,
    );
  });
});
