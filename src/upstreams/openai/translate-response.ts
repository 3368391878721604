/**
 * OpenAI Chat Completions response → IR events. Non-streaming here; streaming
 * in translate-stream.ts (re-exported). Reference:
 * https://platform.openai.com/docs/api-reference/chat/object
 *
 * Blocks of a choice come out in the order Anthropic-style dialects expect them:
 * reasoning (DeepSeek `reasoning_content`), text, refusal text, then each tool
 * call, numbered 0, 1, 2… per choice.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import { isRecord, mapFinishReason, reasoningOf, usageOf } from "./translate-common.js";

export { ChatCompletionsStreamDecoder } from "./translate-stream.js";

function invalid(provider: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail });
}

function choiceEvents(choice: Record<string, unknown>, n: number, provider: string, out: IrEvent[]): void {
  const message = isRecord(choice.message) ? choice.message : {};
  let index = 0;
  const block = (emit: (i: number) => IrEvent[]) => {
    out.push(...emit(index), { type: "block_stop", index, choice: n });
    index++;
  };
  const reasoning = reasoningOf(message);
  if (reasoning !== "") block((i) => [{ type: "thinking_delta", index: i, choice: n, text: reasoning }]);
  if (typeof message.content === "string" && message.content !== "") {
    const text = message.content;
    block((i) => [{ type: "text_delta", index: i, choice: n, text }]);
  }
  const refusal = typeof message.refusal === "string" && message.refusal !== "" ? message.refusal : undefined;
  if (refusal !== undefined) block((i) => [{ type: "text_delta", index: i, choice: n, text: refusal }]);
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    if (!isRecord(call) || !fn || typeof fn.name !== "string") throw invalid(provider, "malformed tool call");
    const id = typeof call.id === "string" && call.id !== "" ? call.id : `call_${n}_${index}`;
    const args = typeof fn.arguments === "string" ? fn.arguments : "";
    block((i) => [
      { type: "tool_call_start", index: i, choice: n, id, name: fn.name as string },
      ...(args === ""
        ? []
        : [{ type: "tool_call_delta" as const, index: i, choice: n, argumentsJson: args }]),
    ]);
  }
  const raw = typeof choice.finish_reason === "string" ? choice.finish_reason : "null";
  out.push({
    type: "finish",
    choice: n,
    reason: mapFinishReason(raw, calls.length > 0, refusal !== undefined),
    rawReason: raw,
  });
}

/**
 * Decodes a whole `chat.completion` object. A missing finish_reason in a complete
 * non-streaming body reads as `end_turn` (rawReason "null"): the body is whole.
 */
export function decodeChatCompletion(json: unknown, provider = "upstream"): IrEvent[] {
  if (!isRecord(json)) throw invalid(provider, "not a JSON object");
  if (json.error !== undefined && json.error !== null)
    throw invalid(provider, "an error object in a 200 response");
  if (!Array.isArray(json.choices) || json.choices.length === 0) throw invalid(provider, "no choices");
  const events: IrEvent[] = [
    {
      type: "start",
      id: typeof json.id === "string" ? json.id : "",
      model: typeof json.model === "string" ? json.model : "",
      ...(typeof json.created === "number" ? { created: json.created } : {}),
    },
  ];
  json.choices.forEach((choice, position) => {
    if (!isRecord(choice)) throw invalid(provider, "malformed choice");
    const n = typeof choice.index === "number" ? choice.index : position;
    choiceEvents(choice, n, provider, events);
  });
  const usage = usageOf(json.usage);
  if (usage) events.push({ type: "usage", usage });
  return events;
}
