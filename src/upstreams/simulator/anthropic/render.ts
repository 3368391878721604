/**
 * Renders a MessagePlan as Anthropic's JSON `message` or as its SSE stream:
 * message_start (the message with empty content and usage, output_tokens 1),
 * per block content_block_start / content_block_delta… / content_block_stop
 * (a ping after the first content_block_start), message_delta (stop_reason,
 * stop_sequence, cumulative usage), message_stop. Every frame has an `event:`
 * line matching its data's `type` (the SDK ignores events without one).
 */
import type { SseFrame } from "../stream.js";
import type { BlockPlan, MessagePlan } from "./generate.js";
import type { AnthropicErrorObject } from "./types.js";

function finalBlock(block: BlockPlan): Record<string, unknown> {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "text":
      return { type: "text", text: block.text };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
  }
}

function envelope(plan: MessagePlan, content: unknown[], final: boolean): Record<string, unknown> {
  const message: Record<string, unknown> = {
    id: plan.id,
    type: "message",
    role: "assistant",
    model: plan.model,
    content,
    stop_reason: final ? plan.stopReason : null,
    stop_sequence: final ? plan.stopSequence : null,
  };
  return message;
}

/** The complete non-streaming `message` object. */
export function renderMessage(plan: MessagePlan): Record<string, unknown> {
  const message = envelope(plan, plan.blocks.map(finalBlock), true);
  if (plan.usage !== "omit") message["usage"] = plan.usage;
  return message;
}

function frame(event: string, body: Record<string, unknown>): SseFrame {
  return { event, data: JSON.stringify({ type: event, ...body }) };
}

function startBlock(block: BlockPlan): Record<string, unknown> {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "text":
      return { type: "text", text: "" };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {} };
  }
}

function deltas(block: BlockPlan): Record<string, unknown>[] {
  switch (block.type) {
    case "thinking":
      return [
        ...block.pieces.map((thinking) => ({ type: "thinking_delta", thinking })),
        { type: "signature_delta", signature: block.signature },
      ];
    case "text":
      return block.pieces.map((text) => ({ type: "text_delta", text }));
    case "tool_use":
      return block.pieces.map((partial_json) => ({ type: "input_json_delta", partial_json }));
  }
}

/** All SSE frames of a streamed answer, ending with message_stop. */
export function renderFrames(plan: MessagePlan): SseFrame[] {
  const start = envelope(plan, [], false);
  if (plan.startUsage !== "omit") start["usage"] = plan.startUsage;
  const frames: SseFrame[] = [frame("message_start", { message: start })];
  for (const [index, block] of plan.blocks.entries()) {
    frames.push(frame("content_block_start", { index, content_block: startBlock(block) }));
    if (index === 0) frames.push(frame("ping", {}));
    for (const delta of deltas(block)) frames.push(frame("content_block_delta", { index, delta }));
    frames.push(frame("content_block_stop", { index }));
  }
  if (plan.blocks.length === 0) frames.push(frame("ping", {}));
  const delta = { stop_reason: plan.stopReason, stop_sequence: plan.stopSequence };
  frames.push(
    frame("message_delta", plan.deltaUsage === "omit" ? { delta } : { delta, usage: plan.deltaUsage }),
  );
  frames.push(frame("message_stop", {}));
  return frames;
}

/** An in-stream `event: error` frame. */
export function errorFrame(error: AnthropicErrorObject): SseFrame {
  return frame("error", { error });
}
