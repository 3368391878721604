/**
 * Pieces of the Responses API's `response` object shared by the non-streaming
 * and streaming encoders (https://platform.openai.com/docs/api-reference/responses/object):
 * ids, status, usage, the request settings a response echoes, and the envelope
 * that carries a thinking signature through a client as `encrypted_content`.
 */
import { randomBytes } from "node:crypto";
import type { StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";

/** Where an encoder reports what it changed (e.g. the pipeline's receipt `transform` list). */
export interface TransformSink {
  add(label: string): void;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";
export type IncompleteReason = "max_output_tokens" | "content_filter";

/**
 * IR stop reason → Response status. `error` has no status of its own here: the
 * encoders answer it with a failure (OVT_ERR_UPSTREAM_ABORTED).
 *
 * - `end_turn`, `stop_sequence`, `tool_use` → `completed` (the Response has no
 *   stop reason: which stop sequence matched, and that the turn ended for tool
 *   calls, are not said; the function_call items say the latter).
 * - `max_tokens` → `incomplete`, `max_output_tokens`.
 * - `content_filter` and `refusal` (Anthropic's classifier stopped the output)
 *   → `incomplete`, `content_filter`; the text so far stays as output_text (it
 *   is partial output, not a refusal part the model wrote).
 * - `pause` (Anthropic's `pause_turn`: continue by sending the turn back) →
 *   `incomplete`, `max_output_tokens`: the nearest documented reason, and
 *   `completed` would claim the turn was finished.
 */
export function outcomeOf(reason: Exclude<StopReason, "error">): {
  status: "completed" | "incomplete";
  incomplete_details: { reason: IncompleteReason } | null;
} {
  switch (reason) {
    case "max_tokens":
    case "pause":
      return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    case "content_filter":
    case "refusal":
      return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
    default:
      return { status: "completed", incomplete_details: null };
  }
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/**
 * Canonical usage → Responses usage. `input_tokens` is the whole prompt, cached
 * tokens included, as in the IR; Anthropic's cache writes are part of it too and
 * have no field of their own here (the ledger keeps the split).
 */
export function responsesUsage(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/**
 * The `resp_…` id the client sees: the upstream's id kept recognisable
 * (`msg_01Ab` → `resp_msg_01Ab`) so a receipt, a log line and the client agree;
 * random when the upstream sent none.
 */
export function responseIdFor(upstreamId: string): string {
  if (upstreamId.startsWith("resp_")) return upstreamId;
  const safe = upstreamId.replace(/[^A-Za-z0-9_-]/g, "");
  return `resp_${safe.length > 0 ? safe : randomBytes(12).toString("hex")}`;
}

/** An output item's id (`msg_`, `rs_`, `fc_`), derived from the response id and its position. */
export function itemIdFor(prefix: "msg" | "rs" | "fc", responseId: string, outputIndex: number): string {
  return `${prefix}_${responseId.replace(/^resp_/, "")}_${outputIndex}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A thinking signature (Anthropic's, which must come back with its thinking
 * text for a tool-use turn to continue) sent to the client as a reasoning item's
 * `encrypted_content`, when the request included `reasoning.encrypted_content`.
 * Responses clients that keep no server state (Codex with `store: false`) send
 * reasoning items back verbatim, so the signature returns with its summary.
 * The prefix tells these apart from OpenAI's own encrypted reasoning.
 */
export const SIGNATURE_PREFIX = "ovt.thinking-signature.v1:";

export function sealSignature(signature: string): string {
  return SIGNATURE_PREFIX + signature;
}

/** The signature inside `encrypted_content` written by sealSignature; undefined for anything else. */
export function unsealSignature(encrypted: string): string | undefined {
  if (!encrypted.startsWith(SIGNATURE_PREFIX)) return undefined;
  const signature = encrypted.slice(SIGNATURE_PREFIX.length);
  return signature === "" ? undefined : signature;
}

/**
 * The request settings a Response echoes (required fields of the SDK's
 * `Response` type and the ones the API always returns). Defaults are the API's
 * documented ones where the relay cannot know better (`temperature` and
 * `top_p` are null when not sent: the upstream's defaults are not known here).
 */
export interface ResponseEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, unknown>;
  parallel_tool_calls: boolean;
  reasoning: { effort: string | null; summary: string | null };
  temperature: number | null;
  text: Record<string, unknown>;
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: string;
  user: string | null;
  /** `include` named `reasoning.encrypted_content`: thinking signatures go out sealed (not echoed). */
  encryptedReasoning: boolean;
}

export const DEFAULT_ECHO: Readonly<ResponseEcho> = Object.freeze({
  instructions: null,
  max_output_tokens: null,
  metadata: {},
  parallel_tool_calls: true,
  reasoning: { effort: null, summary: null },
  temperature: null,
  text: { format: { type: "text" } },
  tool_choice: "auto",
  tools: [],
  top_p: null,
  truncation: "disabled",
  user: null,
  encryptedReasoning: false,
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const stringOr = <T>(v: unknown, fallback: T): string | T => (typeof v === "string" ? v : fallback);
const numberOr = <T>(v: unknown, fallback: T): number | T => (typeof v === "number" ? v : fallback);

/** The echo of a (validated) request body; fields of the wrong type fall back to the defaults. */
export function responseEchoOf(body: unknown): ResponseEcho {
  if (!isObject(body)) return { ...DEFAULT_ECHO };
  const reasoning = isObject(body.reasoning) ? body.reasoning : {};
  const text = isObject(body.text) ? body.text : {};
  return {
    instructions: stringOr(body.instructions, null),
    max_output_tokens: numberOr(body.max_output_tokens, null),
    metadata: isObject(body.metadata) ? body.metadata : {},
    parallel_tool_calls: typeof body.parallel_tool_calls === "boolean" ? body.parallel_tool_calls : true,
    reasoning: { effort: stringOr(reasoning.effort, null), summary: stringOr(reasoning.summary, null) },
    temperature: numberOr(body.temperature, null),
    text: { format: { type: "text" }, ...text },
    tool_choice: body.tool_choice ?? "auto",
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: numberOr(body.top_p, null),
    truncation: stringOr(body.truncation, "disabled"),
    user: stringOr(body.user, null),
    encryptedReasoning: Array.isArray(body.include) && body.include.includes("reasoning.encrypted_content"),
  };
}

export interface ResponseFields {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incompleteDetails: { reason: IncompleteReason } | null;
  output: unknown[];
  usage: ResponsesUsage | null;
  echo: ResponseEcho;
}

/** The `response` object, keys in the API's order; `store` is always false (the relay keeps nothing). */
export function responseObject(f: ResponseFields): Record<string, unknown> {
  const e = f.echo;
  return {
    id: f.id,
    object: "response",
    created_at: f.createdAt,
    status: f.status,
    background: false,
    error: f.error,
    incomplete_details: f.incompleteDetails,
    instructions: e.instructions,
    max_output_tokens: e.max_output_tokens,
    model: f.model,
    output: f.output,
    parallel_tool_calls: e.parallel_tool_calls,
    previous_response_id: null,
    reasoning: e.reasoning,
    store: false,
    temperature: e.temperature,
    text: e.text,
    tool_choice: e.tool_choice,
    tools: e.tools,
    top_p: e.top_p,
    truncation: e.truncation,
    usage: f.usage,
    user: e.user,
    metadata: e.metadata,
  };
}
