/**
 * Pieces of the Gemini API response format shared by the non-streaming and
 * streaming encoders (https://ai.google.dev/api/generate-content#generatecontentresponse):
 * parts, finish reasons, usage metadata and response ids.
 */
import { randomBytes } from "node:crypto";
import { OvertError } from "../../errors/overt-error.js";
import type { StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";

export type GeminiFinishReason = "STOP" | "MAX_TOKENS" | "SAFETY";

export type GeminiPart =
  | { text: string; thought?: true; thoughtSignature?: string }
  | { functionCall: { name: string; args: Record<string, unknown>; id: string } };

export interface GeminiCandidate {
  content: { parts: GeminiPart[]; role: "model" };
  finishReason?: GeminiFinishReason;
  index: number;
}

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GenerateContentResponse {
  candidates: GeminiCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/**
 * IR stop reason → Gemini `finishReason`. `error` has no Gemini form: the
 * encoders answer it with an error instead (OVT_ERR_UPSTREAM_ABORTED).
 *
 * - `end_turn`, `stop_sequence` and `tool_use` → `STOP`: Gemini ends a turn of
 *   function calls with STOP too, and does not say which stop sequence matched.
 * - `content_filter` and `refusal` (a safety classifier stopped the output) →
 *   `SAFETY`.
 * - `pause` (Anthropic's `pause_turn`: an unfinished turn to send back) →
 *   `MAX_TOKENS`: the output is incomplete and continuing is the remedy.
 */
export const FINISH_REASONS: Readonly<Record<Exclude<StopReason, "error">, GeminiFinishReason>> = {
  end_turn: "STOP",
  stop_sequence: "STOP",
  tool_use: "STOP",
  max_tokens: "MAX_TOKENS",
  content_filter: "SAFETY",
  refusal: "SAFETY",
  pause: "MAX_TOKENS",
};

/**
 * Canonical usage → `usageMetadata`. `promptTokenCount` is the whole prompt,
 * cached tokens included (as Gemini counts it, and the IR); Anthropic's cache
 * writes are part of it with no field of their own. Gemini counts thoughts
 * apart from candidates (`totalTokenCount` = prompt + candidates + thoughts),
 * whereas the IR's `outputTokens` includes reasoning. Zero optional counts are
 * omitted, as Gemini omits them.
 */
export function geminiUsage(usage: Usage): GeminiUsageMetadata {
  const thoughts = Math.min(usage.reasoningTokens, usage.outputTokens);
  const out: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - thoughts,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens > 0) out.cachedContentTokenCount = usage.cachedInputTokens;
  if (thoughts > 0) out.thoughtsTokenCount = thoughts;
  return out;
}

/** The `responseId` the client sees: the upstream's id (so a receipt, a log line and the client agree), random if none. */
export function responseIdFor(upstreamId: string): string {
  return upstreamId !== "" ? upstreamId : randomBytes(16).toString("base64url");
}

/**
 * A tool call's accumulated argument text → Gemini `args` (an object). Empty
 * text is `{}`; anything that is not a JSON object cannot be sent.
 */
export function callArgs(argumentsJson: string, id: string): Record<string, unknown> {
  if (argumentsJson.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(argumentsJson);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // refused below
  }
  throw new OvertError("OVT_ERR_TRANSLATE_TOOL_ARGUMENTS", { id });
}

/** A thinking block as a thought part; the signature rides on it when there is one. */
export function thoughtPart(text: string, signature: string | undefined): GeminiPart {
  return signature === undefined || signature === ""
    ? { text, thought: true }
    : { text, thought: true, thoughtSignature: signature };
}
