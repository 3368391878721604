/**
 * Anthropic Messages response → IR events. Non-streaming here; streaming in
 * translate-stream.ts (re-exported). Reference:
 * https://docs.claude.com/en/api/messages ("Response").
 *
 * Content blocks keep their order and are numbered 0, 1, 2… as IR blocks. A
 * thinking block becomes one `thinking_delta` carrying its text and signature; a
 * tool_use block a `tool_call_start` and its `input` serialised as one
 * `tool_call_delta` (always valid JSON, `{}` for no arguments).
 *
 * `redacted_thinking` blocks are skipped: the IR has no event that carries
 * their opaque `data` (see the report on IR gaps), and a client of another
 * dialect could not send them back anyway. Any other block type (server tool
 * use and results, which the request encoder never asks for) has no IR form and
 * fails the response with OVT_ERR_UPSTREAM_INVALID_RESPONSE rather than being lost.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import { finishEvent, foldUsage, isRecord, usageOf } from "./translate-common.js";

export { MessagesStreamDecoder } from "./translate-stream.js";

function invalid(provider: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail });
}

function text(value: unknown, provider: string, what: string): string {
  if (typeof value !== "string") throw invalid(provider, `${what} is not a string`);
  return value;
}

/** The events of one content block (without its block_stop), or undefined for a skipped block. */
function blockEvents(block: Record<string, unknown>, index: number, provider: string): IrEvent[] | undefined {
  switch (block.type) {
    case "text":
      return [{ type: "text_delta", index, choice: 0, text: text(block.text, provider, "text") }];
    case "thinking": {
      const signature =
        typeof block.signature === "string" && block.signature !== "" ? block.signature : undefined;
      return [
        {
          type: "thinking_delta",
          index,
          choice: 0,
          text: text(block.thinking, provider, "thinking"),
          ...(signature !== undefined ? { signature } : {}),
        },
      ];
    }
    case "redacted_thinking":
      return undefined;
    case "tool_use": {
      const id = text(block.id, provider, "tool_use id");
      const name = text(block.name, provider, "tool_use name");
      if (block.input !== undefined && !isRecord(block.input))
        throw invalid(provider, "tool_use input is not an object");
      return [
        { type: "tool_call_start", index, choice: 0, id, name },
        { type: "tool_call_delta", index, choice: 0, argumentsJson: JSON.stringify(block.input ?? {}) },
      ];
    }
    default:
      throw invalid(provider, `content block type '${String(block.type)}' has no IR form`);
  }
}

/**
 * Decodes a whole `message` object. A missing stop_reason in a complete body
 * reads as `end_turn` (rawReason "null"), as for OpenAI-dialect bodies.
 */
export function decodeMessagesResponse(json: unknown, provider = "upstream"): IrEvent[] {
  if (!isRecord(json)) throw invalid(provider, "not a JSON object");
  if (json.type === "error" || (json.error !== undefined && json.error !== null)) {
    throw invalid(provider, "an error object in a 200 response");
  }
  if (!Array.isArray(json.content)) throw invalid(provider, "no content array");
  const events: IrEvent[] = [
    {
      type: "start",
      id: typeof json.id === "string" ? json.id : "",
      model: typeof json.model === "string" ? json.model : "",
    },
  ];
  let index = 0;
  for (const block of json.content) {
    if (!isRecord(block)) throw invalid(provider, "malformed content block");
    const emitted = blockEvents(block, index, provider);
    if (emitted === undefined) continue;
    events.push(...emitted, { type: "block_stop", index, choice: 0 });
    index++;
  }
  events.push(finishEvent(json.stop_reason, json.stop_sequence));
  const usage = foldUsage(json.usage, null);
  if (usage) events.push({ type: "usage", usage: usageOf(usage) });
  return events;
}
