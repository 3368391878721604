/**
 * Pieces shared by the Gemini API translation (request encoder, response and
 * stream decoders): transformation labels, refusals, finish reasons and
 * function-call ids (https://ai.google.dev/api/generate-content).
 *
 * Small wire helpers are duplicated from protocols/gemini on purpose:
 * upstreams/ may not import protocols/ (DESIGN §3).
 */
import { randomBytes } from "node:crypto";
import { OvertError } from "../../errors/overt-error.js";
import type { StopReason } from "../../ir/stream.js";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An ordered set of transformation labels (`dropped:seed`, `merged:consecutive_user_messages`, …). */
export class Transforms {
  readonly #labels = new Set<string>();
  add(label: string): void {
    this.#labels.add(label);
  }
  list(): string[] {
    return [...this.#labels];
  }
}

/** OVT_ERR_TRANSLATE_UNSUPPORTED (400) naming the request field at fault. */
export function refuse(param: string, feature: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param });
}

export function invalidResponse(provider: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail });
}

/**
 * Google's documented placeholder signature for function calls Gemini did not
 * produce itself (history from another model or client): Gemini 3 and later
 * answer 400 when the first functionCall of a step in the current turn comes
 * back without a thoughtSignature, and skip validation for this value.
 */
export const FOREIGN_CALL_SIGNATURE = "skip_thought_signature_validator";

const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "MODEL_ARMOR",
]);
const BROKEN = new Set([
  "MALFORMED_FUNCTION_CALL",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "MISSING_THOUGHT_SIGNATURE",
  "MALFORMED_RESPONSE",
]);

/**
 * Gemini `finishReason` → IR stop reason; `rawReason` always keeps the original.
 *
 * - `STOP` → `end_turn`, or `tool_use` when the candidate called functions
 *   (Gemini ends a function-calling turn with STOP). A stop sequence also
 *   ends with STOP, unnamed: it reads as `end_turn` (lossy, unavoidable).
 * - `MAX_TOKENS` → `max_tokens`.
 * - Safety, recitation, blocklist, prohibited content, SPII, unsupported
 *   language and Model Armor stops → `content_filter`.
 * - A malformed or unexpected function call (and Gemini 3's missing-signature
 *   stop) → `error`: the output is broken, not finished.
 * - `OTHER`, `FINISH_REASON_UNSPECIFIED` and anything new → `end_turn`,
 *   visible through `rawReason`.
 */
export function mapFinishReason(raw: string, sawCall: boolean): StopReason {
  if (raw === "STOP") return sawCall ? "tool_use" : "end_turn";
  if (raw === "MAX_TOKENS") return "max_tokens";
  if (FILTERED.has(raw)) return "content_filter";
  if (BROKEN.has(raw)) return "error";
  return "end_turn";
}

/** Characters kept from a response id when ids are derived from it (Anthropic's tool id alphabet). */
function idSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 48);
}

/**
 * Ids for function calls Gemini sent without one (the Developer API often
 * does): `call_<responseId>_<n>`, n counting the calls of the response from 0,
 * so a replayed or re-decoded response gets the same ids; random when the
 * response has no id.
 */
export class CallIds {
  #base: string | undefined;
  #next = 0;

  id(given: unknown, responseId: string): string {
    if (typeof given === "string" && given !== "") return given;
    this.#base ??= idSafe(responseId) || randomBytes(12).toString("hex");
    return `call_${this.#base}_${this.#next++}`;
  }
}

/** Function-call arguments as the IR's JSON text (`{}` when absent). */
export function argsJson(args: unknown, provider: string): string {
  if (args === undefined || args === null) return "{}";
  if (!isRecord(args)) throw invalidResponse(provider, "functionCall args is not an object");
  return JSON.stringify(args);
}
