/**
 * IR → OpenAI Chat Completions request, refusals: what an OpenAI-dialect
 * upstream cannot take is refused with OVT_ERR_TRANSLATE_UNSUPPORTED (400)
 * naming the field, never dropped.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import type { IrRequest } from "../../src/ir/request.js";
import { decodeMessagesRequest } from "../../src/protocols/anthropic-messages/decode.js";
import { encodeChatCompletionsRequest } from "../../src/upstreams/openai/translate-request.js";

const ir = (over: Record<string, unknown> = {}): IrRequest =>
  decodeMessagesRequest({
    model: "m",
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
    ...over,
  });

function refuses(request: IrRequest, param: string, message: RegExp): void {
  assert.throws(
    () => encodeChatCompletionsRequest(request, "up"),
    (err: unknown) =>
      err instanceof OvertError &&
      err.errorName === "OVT_ERR_TRANSLATE_UNSUPPORTED" &&
      err.param === param &&
      err.status === 400 &&
      message.test(err.message),
  );
}

describe("encodeChatCompletionsRequest refusals", () => {
  it("refuses what an OpenAI-dialect upstream cannot take, naming the field", () => {
    refuses(
      ir({
        messages: [
          {
            role: "user",
            content: [
              {
                type: "document",
                source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
              },
            ],
          },
        ],
      }),
      "messages.0.content.0",
      /PDF document cannot be translated/,
    );
    refuses(
      ir({
        messages: [
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: "t",
                content: [{ type: "document", source: { type: "url", url: "https://e.com/a.pdf" } }],
              },
            ],
          },
        ],
      }),
      "messages.0.content.0.content.0",
      /PDF document/,
    );
    refuses(
      ir({ tools: [{ type: "web_search_20250305", name: "web_search" }] }),
      "tools.0",
      /Server tool 'web_search_20250305'/,
    );
    refuses(ir({ stop_sequences: ["a", "b", "c", "d", "e"] }), "stop_sequences", /at most 4/);
    refuses(ir({ tool_choice: { type: "any" } }), "tool_choice", /defines no tools/);
    const many = encodeChatCompletionsRequest(ir({ stop_sequences: ["a", "b", "c", "d", "e"] }), "up", {
      maxStopSequences: 16,
    });
    assert.deepEqual(many.body.stop, ["a", "b", "c", "d", "e"]);
  });
});
