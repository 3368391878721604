/**
 * The simulator's deterministic "model": decides what each choice says (echo,
 * tool call, tool result, JSON), applies stop sequences and max_tokens, and
 * counts usage. Rendering to JSON or SSE is done by completion.ts / stream.ts.
 */
import { randomBytes } from "node:crypto";
import type { ChatRequestView } from "./request.js";
import { exampleFromSchema } from "./schema-example.js";
import { tokenize } from "./tokens.js";
import type { UsageOverride } from "./types.js";

export type FinishReason = "stop" | "length" | "tool_calls";

export interface ToolCallPlan {
  id: string;
  name: string;
  /** The arguments JSON as sent (may be cut short by max_tokens). */
  arguments: string;
  /** The pieces `arguments` is streamed in. */
  fragments: string[];
}

export interface ChoicePlan {
  index: number;
  /** Assistant text; null when the choice is a tool call. */
  content: string | null;
  /** `content` split into tokens; streamed one delta per token. */
  tokens: string[];
  toolCall: ToolCallPlan | null;
  finishReason: FinishReason;
}

export interface ResponsePlan {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
  choices: ChoicePlan[];
  /** The usage object to send, or "omit". */
  usage: UsageOverride;
  logprobs: boolean;
  topLogprobs: number;
  includeObfuscation: boolean;
}

export interface PlanOverrides {
  text?: string;
  model?: string;
  usage?: UsageOverride;
}

export const SYSTEM_FINGERPRINT = "fp_0vert5im";
const REASONING_TOKENS_PER_CHOICE = 16;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += BASE62[byte % 62];
  return out;
}

/** True for the simulator's reasoning model(s): they report reasoning_tokens. */
export function isReasoningModel(model: string): boolean {
  return model.includes("reason");
}

function baseAnswer(view: ChatRequestView): string {
  const last = view.messages[view.messages.length - 1];
  if (last?.role === "tool") return `Tool said: ${last.text}`;
  const lastUser = [...view.messages].reverse().find((m) => m.role === "user");
  return `You said: ${lastUser?.text ?? ""}`;
}

function formatAnswer(view: ChatRequestView, text: string): string {
  const format = view.responseFormat;
  if (format.type === "json_object") return JSON.stringify({ reply: text });
  if (format.type === "json_schema") return JSON.stringify(exampleFromSchema(format.schema));
  return text;
}

function chooseTool(view: ChatRequestView): ChatRequestView["tools"][number] | null {
  if (view.tools.length === 0 || view.toolChoice === "none") return null;
  if (view.messages[view.messages.length - 1]?.role === "tool") return null;
  const choice = view.toolChoice;
  if (typeof choice === "object")
    return view.tools.find((t) => t.name === choice.name) ?? view.tools[0] ?? null;
  return view.tools[0] ?? null;
}

function cutAtStop(text: string, stops: readonly string[]): { text: string; stopped: boolean } {
  let cut = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

function planChoice(view: ChatRequestView, index: number, overrides: PlanOverrides): ChoicePlan {
  const tool = overrides.text === undefined ? chooseTool(view) : null;
  if (tool !== null) {
    const full = JSON.stringify(exampleFromSchema(tool.parameters));
    let fragments = tokenize(full);
    let finishReason: FinishReason = "tool_calls";
    if (view.maxTokens !== null && fragments.length > view.maxTokens) {
      fragments = fragments.slice(0, view.maxTokens);
      finishReason = "length";
    }
    const toolCall = {
      id: `call_sim${randomId(20)}`,
      name: tool.name,
      arguments: fragments.join(""),
      fragments,
    };
    return { index, content: null, tokens: [], toolCall, finishReason };
  }
  const answer = overrides.text ?? formatAnswer(view, baseAnswer(view));
  const stopped = cutAtStop(answer, view.stop);
  let tokens = tokenize(stopped.text);
  let finishReason: FinishReason = "stop";
  if (view.maxTokens !== null && tokens.length > view.maxTokens) {
    tokens = tokens.slice(0, view.maxTokens);
    finishReason = "length";
  }
  return { index, content: tokens.join(""), tokens, toolCall: null, finishReason };
}

/** OpenAI's usage object, with both detail blocks as today's API sends them. */
export function usageObject(promptTokens: number, completionTokens: number, reasoningTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function planResponse(view: ChatRequestView, overrides: PlanOverrides = {}): ResponsePlan {
  const choices = Array.from({ length: view.n }, (_, i) => planChoice(view, i, overrides));
  const reasoning = isReasoningModel(view.model) ? REASONING_TOKENS_PER_CHOICE * choices.length : 0;
  const visible = choices.reduce(
    (sum, c) => sum + (c.toolCall ? c.toolCall.fragments.length : c.tokens.length),
    0,
  );
  return {
    id: `chatcmpl-sim${randomId(24)}`,
    created: Math.floor(Date.now() / 1000),
    model: overrides.model ?? view.model,
    systemFingerprint: SYSTEM_FINGERPRINT,
    choices,
    usage: overrides.usage ?? usageObject(view.promptTokens, visible + reasoning, reasoning),
    logprobs: view.logprobs,
    topLogprobs: view.topLogprobs,
    includeObfuscation: view.includeObfuscation,
  };
}

/** Deterministic log-probability of a token, in (-0.1, 0). */
function logprobOf(token: string, rank: number): number {
  let hash = 7;
  for (const ch of token) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) % 1000;
  return -Number(((hash + 1) / 10000 + rank * 1.25).toFixed(6));
}

function bytesOf(token: string): number[] {
  return Array.from(Buffer.from(token, "utf8"));
}

/** One entry of `logprobs.content` for `token`, with `top` alternatives (the token itself first). */
export function tokenLogprob(token: string, top: number) {
  const alternatives = Array.from({ length: top }, (_, rank) => {
    const alt = rank === 0 ? token : `${token.trimEnd()}${"~".repeat(rank)}`;
    return { token: alt, logprob: logprobOf(token, rank), bytes: bytesOf(alt) };
  });
  return { token, logprob: logprobOf(token, 0), bytes: bytesOf(token), top_logprobs: alternatives };
}
