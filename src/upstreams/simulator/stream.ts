/**
 * Renders a ResponsePlan as OpenAI's `chat.completion.chunk` SSE events:
 * a role chunk per choice, one content delta per token (or tool-call argument
 * fragments), a finish chunk per choice, the usage chunk (`choices: []`) only
 * when `stream_options.include_usage` is set, then `[DONE]`.
 */
import { type ChoicePlan, type ResponsePlan, tokenLogprob } from "./generate.js";

/** One SSE event: its `data` (a JSON text, or `[DONE]`) and an optional `event:` type. */
export interface SseFrame {
  data: string;
  event?: string;
}

export const DONE_FRAME: SseFrame = { data: "[DONE]" };

const OBFUSCATION_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Padding in the spirit of OpenAI's `obfuscation` field: deterministic, sized to round the payload up. */
function obfuscation(seed: number, payloadLength: number): string {
  const length = 4 + ((16 - (payloadLength % 16)) % 16);
  let out = "";
  for (let i = 0; i < length; i++)
    out += OBFUSCATION_ALPHABET[(seed * 7 + i * 13) % OBFUSCATION_ALPHABET.length];
  return out;
}

export function buildStreamFrames(plan: ResponsePlan, includeUsage: boolean): SseFrame[] {
  const frames: SseFrame[] = [];
  const chunk = (choices: unknown[], delta: boolean, extra: Record<string, unknown> = {}) => {
    const body: Record<string, unknown> = {
      id: plan.id,
      object: "chat.completion.chunk",
      created: plan.created,
      model: plan.model,
      service_tier: "default",
      system_fingerprint: plan.systemFingerprint,
      choices,
      ...extra,
    };
    if (includeUsage && !("usage" in extra)) body["usage"] = null;
    if (delta && plan.includeObfuscation) {
      body["obfuscation"] = obfuscation(frames.length, JSON.stringify(choices).length);
    }
    frames.push({ data: JSON.stringify(body) });
  };

  for (const choice of plan.choices) chunk([firstDelta(choice)], true);

  const longest = Math.max(0, ...plan.choices.map(pieceCount));
  for (let position = 0; position < longest; position++) {
    for (const choice of plan.choices) {
      if (position >= pieceCount(choice)) continue;
      chunk([pieceDelta(plan, choice, position)], true);
    }
  }

  for (const choice of plan.choices) {
    chunk([{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finishReason }], false);
  }
  if (includeUsage && plan.usage !== "omit") chunk([], false, { usage: plan.usage });
  frames.push(DONE_FRAME);
  return frames;
}

function pieceCount(choice: ChoicePlan): number {
  return choice.toolCall ? choice.toolCall.fragments.length : choice.tokens.length;
}

function firstDelta(choice: ChoicePlan) {
  const call = choice.toolCall;
  const delta =
    call === null
      ? { role: "assistant", content: "", refusal: null }
      : {
          role: "assistant",
          content: null,
          tool_calls: [
            { index: 0, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
          ],
          refusal: null,
        };
  return { index: choice.index, delta, logprobs: null, finish_reason: null };
}

function pieceDelta(plan: ResponsePlan, choice: ChoicePlan, position: number) {
  if (choice.toolCall !== null) {
    const fragment = choice.toolCall.fragments[position] ?? "";
    const delta = { tool_calls: [{ index: 0, function: { arguments: fragment } }] };
    return { index: choice.index, delta, logprobs: null, finish_reason: null };
  }
  const token = choice.tokens[position] ?? "";
  const logprobs = plan.logprobs ? { content: [tokenLogprob(token, plan.topLogprobs)], refusal: null } : null;
  return { index: choice.index, delta: { content: token }, logprobs, finish_reason: null };
}

/** Serialises frames with standard SSE framing (LF, blank line after each event). */
export function serializeFrames(frames: readonly SseFrame[]): string {
  return frames.map(serializeFrame).join("");
}

export function serializeFrame(frame: SseFrame): string {
  return (frame.event === undefined ? "" : `event: ${frame.event}\n`) + `data: ${frame.data}\n\n`;
}
