/**
 * Non-streaming Anthropic Messages response: folds the IR events of a whole
 * response into Anthropic's `message` object
 * (https://docs.claude.com/en/api/messages, "Response"). Only choice 0 exists in
 * Anthropic's dialect (its requests have no `n`); other choices are ignored.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import {
  type AnthropicStopReason,
  type AnthropicUsage,
  anthropicUsage,
  messageIdFor,
  STOP_REASONS,
  toolInput,
} from "./wire.js";

export interface MessagesEncodeOptions {
  /** The `id` to send; default derived from the upstream's id (see messageIdFor). */
  messageId?: string;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
}

export type AnthropicContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

type Building =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; args: string };

const NO_USAGE: Usage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

function finishBlock(block: Building): AnthropicContentBlock {
  if (block.type !== "tool_use") return block;
  const input = toolInput(block.args);
  if (input === undefined) throw new OvertError("OVT_ERR_TRANSLATE_TOOL_ARGUMENTS", { id: block.id });
  return { type: "tool_use", id: block.id, name: block.name, input };
}

/** Builds the Anthropic `message` for a complete response; throws an OvertError if the events describe a failure. */
export function encodeMessagesResponse(
  events: readonly IrEvent[],
  options: MessagesEncodeOptions = {},
): AnthropicMessage {
  const provider = options.provider ?? "upstream";
  let upstreamId = "";
  let model = "";
  let finish: Extract<IrEvent, { type: "finish" }> | undefined;
  let usage: Usage = NO_USAGE;
  const blocks = new Map<number, Building>();
  const block = <K extends Building["type"]>(
    index: number,
    make: () => Extract<Building, { type: K }>,
    type: K,
  ) => {
    const existing = blocks.get(index);
    if (existing?.type === type) return existing as Extract<Building, { type: K }>;
    if (existing) throw new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider });
    const created = make();
    blocks.set(index, created);
    return created;
  };

  for (const event of events) {
    if ("choice" in event && event.choice !== 0) continue;
    switch (event.type) {
      case "start":
        upstreamId = event.id;
        model = event.model;
        break;
      case "text_delta":
        block(event.index, () => ({ type: "text", text: "" }), "text").text += event.text;
        break;
      case "thinking_delta": {
        const b = block(event.index, () => ({ type: "thinking", thinking: "", signature: "" }), "thinking");
        b.thinking += event.text;
        if (event.signature !== undefined) b.signature = event.signature;
        break;
      }
      case "tool_call_start":
        block(
          event.index,
          () => ({ type: "tool_use", id: event.id, name: event.name, args: "" }),
          "tool_use",
        );
        break;
      case "tool_call_delta":
        block(event.index, () => ({ type: "tool_use", id: "", name: "", args: "" }), "tool_use").args +=
          event.argumentsJson;
        break;
      case "finish":
        finish ??= event;
        break;
      case "usage":
        usage = event.usage;
        break;
      case "error":
        throw new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider, detail: event.message });
      case "block_stop":
        break;
    }
  }
  if (!finish) {
    throw new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail: "no finish reason" });
  }
  if (finish.reason === "error") {
    throw new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider, detail: finish.rawReason ?? "error" });
  }
  const content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => finishBlock(b));
  return {
    id: options.messageId ?? messageIdFor(upstreamId),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: STOP_REASONS[finish.reason],
    stop_sequence: finish.stopSequence ?? null,
    usage: anthropicUsage(usage),
  };
}
