/**
 * Gemini `GenerateContentResponse` (non-streaming) → IR events. Reference:
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 *
 * A whole response decodes exactly as one stream chunk would
 * (translate-stream.ts, re-exported here): start, each candidate's blocks and
 * finish, then usage. A candidate without a finish reason finishes as
 * `end_turn` (rawReason "null"): the body is complete. An `error` object in a
 * 200 body, or a body with neither candidates nor a prompt block reason, fails
 * with OVT_ERR_UPSTREAM_INVALID_RESPONSE.
 */
import type { IrEvent } from "../../ir/stream.js";
import { invalidResponse, isRecord } from "./common.js";
import { GenerateContentStreamDecoder } from "./translate-stream.js";

export { GenerateContentStreamDecoder } from "./translate-stream.js";
export { normaliseGeminiUsage } from "./usage.js";

export function decodeGenerateContentResponse(json: unknown, provider = "upstream"): IrEvent[] {
  if (!isRecord(json)) throw invalidResponse(provider, "not a JSON object");
  if (json.error !== undefined && json.error !== null) {
    throw invalidResponse(provider, "an error object in a 200 response");
  }
  const blocked = isRecord(json.promptFeedback) && typeof json.promptFeedback.blockReason === "string";
  const candidates = Array.isArray(json.candidates) ? json.candidates : [];
  if (candidates.length === 0 && !blocked) throw invalidResponse(provider, "no candidates");
  return new GenerateContentStreamDecoder(provider).pushFinal(json);
}
