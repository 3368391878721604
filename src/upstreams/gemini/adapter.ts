/**
 * Adapter for Gemini API upstreams (Google AI Studio, generativelanguage.googleapis.com):
 * the upstream request for a body — translated (translate-request.ts) or a
 * Gemini client's own (same-dialect passthrough). The model and whether to
 * stream are in the path (`/v1beta/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse`, whose every SSE event is a whole
 * GenerateContentResponse); the key goes in `x-goog-api-key` (the descriptor's
 * auth header), never in the `?key=` query string, so it stays out of URLs and logs.
 */
import type { ResolvedProvider } from "../../config/types.js";
import { authHeaders, endpointPath, type UpstreamRequest } from "../openai/adapter.js";
import { geminiPath } from "./translate-request.js";

const USER_AGENT = "overt/0.1";

export function buildGenerateContentRequest(
  provider: ResolvedProvider,
  upstreamModel: string,
  body: Record<string, unknown>,
  stream: boolean,
  transformations: string[] = [],
): UpstreamRequest {
  const { model: _model, ...rest } = body;
  return {
    origin: provider.baseUrl.origin,
    path: endpointPath(provider, geminiPath(upstreamModel, stream)),
    headers: {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "user-agent": USER_AGENT,
      ...provider.descriptor.defaultHeaders,
      ...authHeaders(provider),
    },
    body: JSON.stringify(rest),
    transformations,
  };
}
