/**
 * Canonical response events: one stream type for streaming and non-streaming
 * responses (a non-streaming response is a stream that arrives at once).
 *
 * `index` is the block's position in its choice's output (thinking, text and
 * each tool call are blocks); a block's deltas share its index and a
 * `block_stop` closes it. `finish.stopSequence` names the stop sequence that
 * ended the output, when the upstream says which.
 */
import type { Usage } from "./usage.js";

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "content_filter"
  | "pause"
  | "refusal"
  | "error";

export type IrEvent =
  | { type: "start"; id: string; model: string; created?: number }
  | { type: "text_delta"; index: number; choice: number; text: string }
  | { type: "thinking_delta"; index: number; choice: number; text: string; signature?: string }
  | { type: "tool_call_start"; index: number; choice: number; id: string; name: string }
  | { type: "tool_call_delta"; index: number; choice: number; argumentsJson: string }
  | { type: "block_stop"; index: number; choice: number }
  | { type: "finish"; choice: number; reason: StopReason; rawReason?: string; stopSequence?: string }
  | { type: "usage"; usage: Usage }
  | { type: "error"; code: string; message: string };
