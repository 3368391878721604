/**
 * One attempt's plan: the upstream request and the transcoders for its answer,
 * chosen from the client's dialect and the provider's (DESIGN §4: passthrough
 * when they match, translation through the IR when they do not).
 */
import type { ResolvedProvider } from "../config/types.js";
import { OvertError } from "../errors/overt-error.js";
import type { ParsedClientRequest } from "../protocols/codec.js";
import { buildMessagesRequest } from "../upstreams/anthropic/adapter.js";
import { encodeMessagesRequest } from "../upstreams/anthropic/translate-request.js";
import {
  buildChatRequest,
  buildTranslatedChatRequest,
  providerSecrets,
  type UpstreamRequest,
} from "../upstreams/openai/adapter.js";
import { translateOptionsFor } from "../upstreams/openai/translate-options.js";
import { encodeChatCompletionsRequest } from "../upstreams/openai/translate-request.js";
import type { JsonTranscoder, StreamTranscoder } from "./transcode.js";
import { AnthropicPassthroughJson, AnthropicPassthroughStream } from "./transcoders/anthropic-passthrough.js";
import { AnthropicToOpenAiJson, AnthropicToOpenAiStream } from "./transcoders/anthropic-to-openai.js";
import { OpenAiPassthroughJson, OpenAiPassthroughStream } from "./transcoders/openai-passthrough.js";
import { OpenAiToAnthropicJson, OpenAiToAnthropicStream } from "./transcoders/openai-to-anthropic.js";

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

export function planAttempt(
  client: ParsedClientRequest,
  provider: ResolvedProvider,
  upstreamModel: string,
  requestId: string,
): AttemptPlan {
  const dialect: string = provider.descriptor.dialect;
  if (dialect === "openai-chat") {
    if (client.dialect === "openai-chat") {
      return {
        request: buildChatRequest(provider, upstreamModel, client.body, client.stream),
        stream: () =>
          new OpenAiPassthroughStream(provider.id, client.clientWantsUsage, providerSecrets(provider)),
        json: () => new OpenAiPassthroughJson(),
      };
    }
    if (client.dialect === "anthropic-messages") {
      const translated = encodeChatCompletionsRequest(
        client.ir(),
        upstreamModel,
        translateOptionsFor(provider),
      );
      return {
        request: buildTranslatedChatRequest(
          provider,
          translated.body,
          client.stream,
          translated.transformations,
        ),
        stream: () => new OpenAiToAnthropicStream(provider.id, requestId),
        json: () => new OpenAiToAnthropicJson(provider.id),
      };
    }
  }
  if (dialect === "anthropic-messages" && client.dialect === "openai-chat") {
    const translated = encodeMessagesRequest(client.ir(), upstreamModel);
    const request = buildMessagesRequest(provider, upstreamModel, translated.body, client.stream, {});
    request.transformations = ["translated:openai-chat>anthropic-messages", ...translated.transformations];
    return {
      request,
      stream: () => new AnthropicToOpenAiStream(provider.id, client.clientWantsUsage, requestId),
      json: () => new AnthropicToOpenAiJson(provider.id),
    };
  }
  if (dialect === "anthropic-messages" && client.dialect === "anthropic-messages") {
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
  throw unsupported(client, provider);
}
