/**
 * One attempt's plan: the upstream request and the transcoders for its answer,
 * chosen from the client's dialect and the provider's (DESIGN §4): passthrough
 * when they match, translation through the IR — any client encoder with any
 * upstream decoder — when they do not.
 */
import type { ResolvedProvider } from "../config/types.js";
import { OvertError } from "../errors/overt-error.js";
import type { ParsedClientRequest } from "../protocols/codec.js";
import { buildMessagesRequest } from "../upstreams/anthropic/adapter.js";
import { encodeMessagesRequest } from "../upstreams/anthropic/translate-request.js";
import { buildConverseRequest, providerCredentials } from "../upstreams/bedrock/adapter.js";
import { encodeConverseRequest } from "../upstreams/bedrock/translate-request.js";
import { buildGenerateContentRequest } from "../upstreams/gemini/adapter.js";
import { encodeGenerateContentRequest } from "../upstreams/gemini/translate-request.js";
import {
  buildChatRequest,
  buildEmbeddingsRequest,
  buildResponsesRequest,
  buildTranslatedChatRequest,
  providerSecrets,
  type UpstreamRequest,
} from "../upstreams/openai/adapter.js";
import { translateOptionsFor } from "../upstreams/openai/translate-options.js";
import { encodeChatCompletionsRequest } from "../upstreams/openai/translate-request.js";
import type { JsonTranscoder, StreamTranscoder } from "./transcode.js";
import { AnthropicPassthroughJson, AnthropicPassthroughStream } from "./transcoders/anthropic-passthrough.js";
import { canEncode } from "./transcoders/client-encoders.js";
import { GeminiPassthroughJson, GeminiPassthroughStream } from "./transcoders/gemini-passthrough.js";
import { OpenAiPassthroughJson, OpenAiPassthroughStream } from "./transcoders/openai-passthrough.js";
import { ResponsesPassthroughJson, ResponsesPassthroughStream } from "./transcoders/responses-passthrough.js";
import { TranslatedJson, TranslatedStream } from "./transcoders/translated.js";
import { isDecodable } from "./transcoders/upstream-decoders.js";

export interface AttemptPlan {
  request: UpstreamRequest;
  stream(): StreamTranscoder;
  json(): JsonTranscoder;
}

function unsupported(client: ParsedClientRequest, provider: ResolvedProvider): OvertError {
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", {
    feature: `A ${client.dialect} request`,
    detail: `provider ${provider.id} speaks ${provider.descriptor.dialect}, which this relay cannot translate to yet`,
  });
}

function passthrough(
  client: ParsedClientRequest,
  provider: ResolvedProvider,
  upstreamModel: string,
): AttemptPlan | null {
  if (client.dialect === "openai-chat" && provider.descriptor.dialect === "openai-chat") {
    return {
      request: buildChatRequest(provider, upstreamModel, client.body, client.stream),
      stream: () =>
        new OpenAiPassthroughStream(provider.id, client.clientWantsUsage, providerSecrets(provider)),
      json: () => new OpenAiPassthroughJson(),
    };
  }
  if (client.dialect === "openai-responses" && provider.descriptor.quirks.responses === true) {
    const request = buildResponsesRequest(provider, upstreamModel, client.body, client.stream);
    request.transformations.push(...(client.notes ?? []));
    return {
      request,
      stream: () => new ResponsesPassthroughStream(provider.id, providerSecrets(provider)),
      json: () => new ResponsesPassthroughJson(),
    };
  }
  if (client.dialect === "openai-embeddings" && provider.descriptor.dialect === "openai-chat") {
    return {
      request: buildEmbeddingsRequest(provider, upstreamModel, client.body),
      stream: () => new OpenAiPassthroughStream(provider.id, false, providerSecrets(provider)),
      json: () => new OpenAiPassthroughJson(),
    };
  }
  if (client.dialect === "gemini" && provider.descriptor.dialect === "gemini") {
    return {
      request: buildGenerateContentRequest(provider, upstreamModel, client.body, client.stream),
      stream: () => new GeminiPassthroughStream(provider.id, providerSecrets(provider), client.sse !== false),
      json: () => new GeminiPassthroughJson(),
    };
  }
  if (client.dialect === "anthropic-messages" && provider.descriptor.dialect === "anthropic-messages") {
    return {
      request: buildMessagesRequest(
        provider,
        upstreamModel,
        client.body,
        client.stream,
        client.forwardHeaders,
      ),
      stream: () => new AnthropicPassthroughStream(provider.id, providerSecrets(provider)),
      json: () => new AnthropicPassthroughJson(),
    };
  }
  return null;
}

function translatedRequest(
  client: ParsedClientRequest,
  provider: ResolvedProvider,
  upstreamModel: string,
): UpstreamRequest {
  const label = `translated:${client.dialect}>${provider.descriptor.dialect}`;
  if (provider.descriptor.dialect === "openai-chat") {
    const translated = encodeChatCompletionsRequest(
      client.ir(),
      upstreamModel,
      translateOptionsFor(provider),
    );
    return buildTranslatedChatRequest(provider, translated.body, client.stream, [
      label,
      ...translated.transformations,
    ]);
  }
  if (provider.descriptor.dialect === "bedrock-converse") {
    const translated = encodeConverseRequest(client.ir(), upstreamModel);
    const credentials = providerCredentials(provider);
    return buildConverseRequest(provider, upstreamModel, translated.body, client.stream, credentials, [
      label,
      ...translated.transformations,
    ]);
  }
  if (provider.descriptor.dialect === "gemini") {
    const translated = encodeGenerateContentRequest(client.ir(), upstreamModel);
    return buildGenerateContentRequest(provider, upstreamModel, translated.body, client.stream, [
      label,
      ...translated.transformations,
    ]);
  }
  const translated = encodeMessagesRequest(client.ir(), upstreamModel);
  const request = buildMessagesRequest(provider, upstreamModel, translated.body, client.stream, {});
  request.transformations = [label, ...translated.transformations];
  return request;
}

/**
 * `restore` holds the pseudonyms the guard put in the request. Their values go
 * back into the answer on IR events, so such an answer is decoded and
 * re-encoded even when the dialects match (the request itself still passes
 * through). Responses passthrough has no IR decoder: it is translated instead.
 */
export function planAttempt(
  client: ParsedClientRequest,
  provider: ResolvedProvider,
  upstreamModel: string,
  requestId: string,
  restore?: ReadonlyMap<string, string>,
): AttemptPlan {
  const restoring = restore !== undefined && restore.size > 0 && client.dialect !== "openai-embeddings";
  const same =
    restoring && client.dialect === "openai-responses" ? null : passthrough(client, provider, upstreamModel);
  if (same && !restoring) return same;
  const upstream = provider.descriptor.dialect;
  if (!canEncode(client.dialect) || !isDecodable(upstream)) throw unsupported(client, provider);
  const options = {
    provider: provider.id,
    requestId,
    includeUsage: client.clientWantsUsage,
    sse: client.sse,
    clientBody: client.body,
  };
  let request: UpstreamRequest;
  if (same) request = same.request;
  else {
    request = translatedRequest(client, provider, upstreamModel);
    request.transformations.push(...(client.notes ?? []), ...(client.translationNotes ?? []));
  }
  return {
    request,
    stream: () => new TranslatedStream(upstream, client.dialect, options, restore),
    json: () => new TranslatedJson(upstream, client.dialect, options, restore),
  };
}
