/**
 * A non-streaming upstream response, turned into the client's body by a
 * JsonTranscoder (passthrough forwards the upstream's bytes unchanged).
 */
import type { Dispatcher } from "undici";
import { OvertError } from "../errors/overt-error.js";
import type { UpstreamFailure } from "../upstreams/openai/adapter.js";
import type { RequestState } from "./attempt-state.js";
import { captureResponse } from "./capture-stage.js";
import type { ClientExchange } from "./exchange.js";
import type { OutputScrubber } from "./output-scrub.js";
import { upstreamResponseIdOf } from "./receipt-facts.js";
import type { JsonTranscoder } from "./transcode.js";
import { BodyTooLargeError, mediaType, readCapped, tooLarge } from "./upstream-body.js";

export async function relayJson(
  exchange: ClientExchange,
  response: Dispatcher.ResponseData,
  provider: string,
  state: RequestState,
  headers: Record<string, string>,
  maxResponseBytes: number,
  transcoder: JsonTranscoder,
  scrub: OutputScrubber,
): Promise<UpstreamFailure | null> {
  const type = mediaType(response.headers["content-type"]);
  if (type !== "application/json" && !type.endsWith("+json")) {
    await response.body.dump();
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider,
        detail: `non-JSON: ${type || "no content type"}`,
      }),
      retryable: true,
      retrySame: false,
    };
  }
  let raw: Buffer;
  try {
    raw = await readCapped(response.body, maxResponseBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(provider, maxResponseBytes);
    throw error;
  }
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("not an object");
    json = parsed as Record<string, unknown>;
  } catch {
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail: "malformed JSON" }),
      retryable: true,
      retrySame: false,
    };
  }
  const hasOutput = ["choices", "content", "output", "candidates", "data"].some((field) => field in json);
  const hasError = typeof json.error === "string" || (typeof json.error === "object" && json.error !== null);
  if (hasError && !hasOutput) {
    // Some compatible servers answer 200 with an error body: never relay it as a success.
    state.upstreamEngaged = false;
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider,
        detail: "an error object with status 200",
      }),
      retryable: false,
      retrySame: false,
    };
  }
  state.upstreamResponseId = upstreamResponseIdOf(json);
  const result = transcoder.transcode(json, raw);
  if (!result.ok) throw result.error;
  state.usage = result.usage;
  if (result.usage === null) state.deliveredText = result.delivered;
  state.firstByteAt = performance.now();
  state.status = "ok";
  state.httpStatus = 200;
  const body = scrub(typeof result.body === "string" ? result.body : result.body.toString("utf8"));
  captureResponse(state, body);
  exchange.sendJson(200, headers, body);
  return null;
}
