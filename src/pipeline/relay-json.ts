/**
 * Non-streaming OpenAI-dialect response: the upstream's bytes go to the client
 * unchanged (the `model` field is never rewritten, catalogue D11); the relay only
 * reads them for usage.
 */
import type { Dispatcher } from "undici";
import { normaliseOpenAiUsage } from "../accounting/openai-usage.js";
import type { ResolvedProvider } from "../config/types.js";
import { OvertError } from "../errors/overt-error.js";
import type { UpstreamFailure } from "../upstreams/openai/adapter.js";
import type { RequestState } from "./attempt-state.js";
import type { ClientExchange } from "./exchange.js";
import { BodyTooLargeError, mediaType, readCapped, tooLarge } from "./upstream-body.js";

function collectText(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const choices = Array.isArray(json.choices) ? json.choices : [];
  for (const choice of choices) {
    const message = (choice as { message?: { content?: unknown } } | null)?.message;
    if (typeof message?.content === "string") out.push(message.content);
  }
  return out;
}

export async function relayJson(
  exchange: ClientExchange,
  response: Dispatcher.ResponseData,
  provider: ResolvedProvider,
  state: RequestState,
  headers: Record<string, string>,
  maxResponseBytes: number,
): Promise<UpstreamFailure | null> {
  const type = mediaType(response.headers["content-type"]);
  if (type !== "application/json" && !type.endsWith("+json")) {
    await response.body.dump();
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider: provider.id,
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
    if (error instanceof BodyTooLargeError) throw tooLarge(provider.id, maxResponseBytes);
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
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider: provider.id,
        detail: "malformed JSON",
      }),
      retryable: true,
      retrySame: false,
    };
  }
  if (json.error !== undefined && json.choices === undefined) {
    // Some OpenAI-compatible servers answer 200 with an error body: never relay it as a success.
    state.upstreamEngaged = false;
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider: provider.id,
        detail: "an error object with status 200",
      }),
      retryable: false,
      retrySame: false,
    };
  }
  state.usage = normaliseOpenAiUsage(json.usage) ?? null;
  if (state.usage === null) state.deliveredText = collectText(json);
  state.firstByteAt = performance.now();
  state.status = "ok";
  state.httpStatus = 200;
  exchange.sendJson(200, headers, raw);
  return null;
}
