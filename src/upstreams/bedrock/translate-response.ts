/**
 * Converse (non-streaming) response → IR events. Reference:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 *
 *   {output: {message: {role: "assistant", content: [ContentBlock…]}}, stopReason, usage, metrics}
 *
 * Blocks: `text` → text_delta; `toolUse {toolUseId, name, input}` →
 * tool_call_start + tool_call_delta (input as JSON); `reasoningContent.reasoningText
 * {text, signature}` → thinking_delta; `reasoningContent.redactedContent` has no
 * IR event and is skipped (it leaves no gap in the numbering). Each block is
 * closed with block_stop, then `finish` (translate-stream.ts mapStopReason) and `usage`.
 * Any other block type, or a body without output.message.content, fails with
 * OVT_ERR_UPSTREAM_INVALID_RESPONSE.
 */
import type { IrEvent } from "../../ir/stream.js";
import { invalidResponse, isRecord } from "./common.js";
import { type ConverseMeta, mapStopReason, responseId } from "./translate-stream.js";
import { converseUsageOf } from "./usage.js";

export { type ConverseMeta, ConverseStreamDecoder, mapStopReason } from "./translate-stream.js";
export { normaliseConverseUsage } from "./usage.js";

function blockEvents(block: Record<string, unknown>, index: number, provider: string): IrEvent[] | undefined {
  if (typeof block.text === "string") return [{ type: "text_delta", index, choice: 0, text: block.text }];
  if (isRecord(block.toolUse)) {
    const { toolUseId, name, input } = block.toolUse;
    if (typeof toolUseId !== "string" || typeof name !== "string" || name === "") {
      throw invalidResponse(provider, "toolUse without an id or name");
    }
    return [
      { type: "tool_call_start", index, choice: 0, id: toolUseId, name },
      { type: "tool_call_delta", index, choice: 0, argumentsJson: JSON.stringify(input ?? {}) },
    ];
  }
  if (isRecord(block.reasoningContent)) {
    const r = block.reasoningContent;
    if (!isRecord(r.reasoningText)) return undefined;
    const text = typeof r.reasoningText.text === "string" ? r.reasoningText.text : "";
    const sig = r.reasoningText.signature;
    const signature = typeof sig === "string" && sig !== "" ? sig : undefined;
    return [{ type: "thinking_delta", index, choice: 0, text, ...(signature ? { signature } : {}) }];
  }
  const kind = Object.keys(block)[0] ?? "empty";
  throw invalidResponse(provider, `a '${kind}' content block has no IR form`);
}

export function decodeConverseResponse(
  json: unknown,
  provider = "upstream",
  meta: ConverseMeta = {},
): IrEvent[] {
  if (!isRecord(json)) throw invalidResponse(provider, "not a JSON object");
  const output = isRecord(json.output) ? json.output : {};
  const message = isRecord(output.message) ? output.message : undefined;
  if (!message || !Array.isArray(message.content))
    throw invalidResponse(provider, "no output.message.content");
  const events: IrEvent[] = [{ type: "start", id: responseId(meta), model: meta.model ?? "" }];
  let index = 0;
  for (const block of message.content) {
    if (!isRecord(block)) throw invalidResponse(provider, "malformed content block");
    const emitted = blockEvents(block, index, provider);
    if (emitted === undefined) continue;
    events.push(...emitted, { type: "block_stop", index, choice: 0 });
    index++;
  }
  const raw = typeof json.stopReason === "string" ? json.stopReason : "end_turn";
  events.push({ type: "finish", choice: 0, reason: mapStopReason(raw), rawReason: raw });
  const usage = converseUsageOf(json.usage);
  if (usage) events.push({ type: "usage", usage });
  return events;
}
